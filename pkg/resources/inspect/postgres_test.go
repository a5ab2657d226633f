package inspect_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

func pgConnect(t *testing.T, rawURL, app string) (*pgx.Conn, int) {
	t.Helper()
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = app
	ctx := context.Background()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	var pid int
	if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return c, pid
}

func TestPostgresIdleInTransaction(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	app := uniqueName("leakholder-")
	holder, pid := pgConnect(t, pgURL, app)
	ctx := context.Background()
	if _, err := holder.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "SELECT 42 AS answer"); err != nil {
		t.Fatal(err)
	}
	defer holder.Exec(ctx, "ROLLBACK") //nolint:errcheck

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Postgres(ctx, pgURL, inspect.Options{Name: "database", MaxLifetime: time.Second})
	}
	r := eventually(t, "idle-in-transaction leak", run, func(r *inspect.Result) bool {
		return findLeak(r, "pid", strconv.Itoa(pid)) != nil
	})
	l := findLeak(r, "pid", strconv.Itoa(pid))
	if l.Kind != inspect.LeakIdleInTransaction || l.Severity != resources.SeverityCritical || l.Source != "database" ||
		l.Owner != app || l.ID != strconv.Itoa(pid) || l.Lifetime <= time.Second {
		t.Errorf("leak = %+v, want a critical idle_in_transaction leak of %s older than 1s", l, app)
	}
	for k, want := range map[string]string{"state": "idle in transaction", "query": "SELECT 42 AS answer", "application": app, "user": "postgres"} {
		if got := l.Evidence[k]; got != want {
			t.Errorf("evidence %s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"client", "age", "idle", "xact_age"} {
		if l.Evidence[k] == "" {
			t.Errorf("evidence %s missing: %v", k, l.Evidence)
		}
	}
	if !r.Reachable || r.Kind != "postgres" || !strings.HasPrefix(r.Server, "1") || r.LeakCount() < 1 || r.Severity != resources.SeverityCritical {
		t.Errorf("result header = reachable %v kind %s server %q leaks %d severity %s", r.Reachable, r.Kind, r.Server, r.LeakCount(), r.Severity)
	}
	if c := r.Capacity; c == nil || c.Max <= 0 || c.Used < 1 || c.Available != c.Max-c.Reserved-c.Used {
		t.Errorf("capacity = %+v", c)
	}
	if g := findGroup(r.LongLived, app); g == nil || g.Count != 1 || g.OldestSeconds <= 1 {
		t.Errorf("long-lived group for %s = %+v, want 1 connection older than 1s", app, g)
	}
}

// A healthy pool's idle connections — resync's own and an application's —
// are long-lived at most, never leaks.
func TestPostgresIdlePoolIsNotALeak(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	_, ownPID := pgConnect(t, pgURL, "resync")
	app := uniqueName("idlepool-")
	_, appPID := pgConnect(t, pgURL, app)

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Postgres(ctx, pgURL, inspect.Options{MaxLifetime: time.Second})
	}
	r := eventually(t, "idle connections older than 1s", run, func(r *inspect.Result) bool {
		g := findGroup(r.LongLived, app)
		return g != nil && g.OldestSeconds > 1
	})
	for _, pid := range []int{ownPID, appPID} {
		if l := findLeak(r, "pid", strconv.Itoa(pid)); l != nil {
			t.Errorf("idle connection %d reported as a leak: %+v", pid, l)
		}
	}
	if g := findGroup(r.LongLived, app); g.States["idle"] != 1 || g.Severity != resources.SeverityInfo || g.IdleOver != 1 {
		t.Errorf("group %+v, want one idle connection, severity info", g)
	}
	if findGroup(r.LongLived, "resync") != nil || findGroup(r.Clients, "resync") != nil {
		t.Errorf("resync's own connection listed with the others: %+v", r.LongLived)
	}
	if g := findGroup(r.Own, "resync"); g == nil || !g.Own || g.Count < 1 {
		t.Errorf("own connections = %+v, want resync's idle connection shown apart", r.Own)
	}
}

func TestPostgresHiddenSessionsFinding(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	admin, _ := pgConnect(t, pgURL, uniqueName("admin-"))
	role := uniqueName("resync_probe_")
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Skipf("cannot create a role to test with: %v", err)
	}
	defer admin.Exec(ctx, "DROP ROLE IF EXISTS "+role) //nolint:errcheck
	u, _ := url.Parse(pgURL)
	u.User = url.User(role)

	r, err := inspect.Postgres(ctx, u.String(), inspect.Options{MaxLifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var f *inspect.Finding
	for i := range r.Findings {
		if r.Findings[i].Code == inspect.FindingPrivilege {
			f = &r.Findings[i]
		}
	}
	if f == nil || f.Fix != "GRANT pg_read_all_stats TO "+`"`+role+`"`+";" || !strings.Contains(f.Message, "hidden") {
		t.Fatalf("findings = %+v, want the missing-privilege finding with the GRANT", r.Findings)
	}
	if r.Capacity == nil || r.Capacity.Used < 1 || r.Capacity.Note == "" {
		t.Errorf("capacity without privilege = %+v, want numbackends with a note", r.Capacity)
	}
}
