package reportcmd_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/testenv"
)

// TestObservePgbouncer runs "report --observe" against a private pgbouncer
// (pool_size 2) while two clients hold a transaction and three wait for a
// server connection: the JSON report has the pool from source pgbouncer
// with 3 waiting, 100 % utilization and the default_pool_size line to
// paste; --fail-on degraded exits 3; the console's password is nowhere.
func TestObservePgbouncer(t *testing.T) {
	const secret = "pgbS3cret"
	pgb := testenv.StartPgbouncer(t, testenv.PgbouncerOptions{PoolSize: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	release := holdAndQueue(ctx, t, pgb.URL, 2, 3)
	defer release()
	console := strings.Replace(pgb.StatsURL, testenv.PgbouncerStatsUser+"@", testenv.PgbouncerStatsUser+":"+secret+"@", 1)

	r := run(t, nil, "report", "--observe", "2s", "--interval", "1s", "--pgbouncer", console, "-o", "json", "--fail-on", "degraded")
	if r.code != cmdutil.ExitFinding {
		t.Errorf("exit %d, want 3 (degraded: clients waited)\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Error("the console's password is in the output")
	}
	m := validateJSON(t, r.stdout)
	name := "pgbouncer/" + testenv.PgbouncerDB + "/" + pgb.User
	pool, _ := m["connection_pools"].(map[string]any)[name].(map[string]any)
	if pool == nil {
		t.Fatalf("no pool %s in %v", name, m["connection_pools"])
	}
	metrics := pool["metrics"].(map[string]any)
	if pool["source"] != "pgbouncer" || metrics["peak_waiting"] != 3.0 || metrics["peak_utilization"] != 1.0 || metrics["max_size"] != 2.0 {
		t.Errorf("pool %s: source %v, peak_waiting %v, peak_utilization %v, max_size %v; want pgbouncer, 3, 1, 2",
			name, pool["source"], metrics["peak_waiting"], metrics["peak_utilization"], metrics["max_size"])
	}
	if d, _ := metrics["derived"].([]any); len(d) == 0 || !strings.Contains(d[0].(string), "total_wait_time") {
		t.Errorf("derived = %v: want how the mean wait is made", metrics["derived"])
	}
	var suggestions []string
	for _, rec := range pool["recommendations"].([]any) {
		suggestions = append(suggestions, rec.(map[string]any)["suggestion"].(string))
	}
	if !strings.Contains(strings.Join(suggestions, "\n"), "default_pool_size = 3") {
		t.Errorf("suggestions %q: want default_pool_size = 3", suggestions)
	}
	if _, ok := m["connection_pools"].(map[string]any)["pgbouncer/clients"]; !ok {
		t.Errorf("no pool pgbouncer/clients (max_client_conn)")
	}
}

// holdAndQueue opens holders+waiters clients through pgbouncer at url:
// the holders each hold a transaction (and so a server connection), the
// waiters each send a query that waits for one. It returns once pgbouncer
// has them all connected; release commits and waits for the waiters.
func holdAndQueue(ctx context.Context, t *testing.T, url string, holders, waiters int) (release func()) {
	t.Helper()
	var conns []*pgconn.PgConn
	for range holders + waiters {
		c, err := pgconn.Connect(ctx, url)
		if err != nil {
			t.Fatalf("connect through pgbouncer: %v", err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns[:holders] {
		if _, err := c.Exec(ctx, "BEGIN; SELECT 1").ReadAll(); err != nil {
			t.Fatalf("BEGIN: %v", err)
		}
	}
	var wg sync.WaitGroup
	for _, c := range conns[holders:] {
		wg.Go(func() {
			if _, err := c.Exec(ctx, "SELECT 1").ReadAll(); err != nil && ctx.Err() == nil {
				t.Errorf("waiting client: %v", err)
			}
		})
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			for _, c := range conns[:holders] {
				_, _ = c.Exec(ctx, "COMMIT").ReadAll()
			}
			wg.Wait()
			for _, c := range conns {
				_ = c.Close(context.Background())
			}
		})
	}
}

// TestPgbouncerIgnoredInLoadMode: without --observe the console is not
// read, and a warning says how to read it.
func TestPgbouncerIgnoredInLoadMode(t *testing.T) {
	r := run(t, nil, "report", "--db", "sqlite::memory:", "--duration", "200ms", "--concurrency", "2",
		"--pgbouncer", "postgres://stats@127.0.0.1:1/pgbouncer", "-o", "json")
	if r.code != cmdutil.ExitOK {
		t.Errorf("exit %d, want 0\n%s", r.code, r.stderr)
	}
	if want := "--pgbouncer (TARGETS.PGBOUNCER_URLS) is read only in observe mode: add --observe"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q lacks %q", r.stderr, want)
	}
	if strings.Contains(r.stdout, "pgbouncer") {
		t.Errorf("the report names the unread console:\n%s", r.stdout)
	}
}
