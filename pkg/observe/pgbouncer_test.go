package observe

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

// TestPgbouncerPools maps SHOW rows onto pools without a server: the
// console's own pool is skipped but its clients count, maxwait is seconds
// plus µs, the paste line is default_pool_size unless the database has a
// pool_size of its own.
func TestPgbouncerPools(t *testing.T) {
	st := parseSettings(
		[]pgbRow{{"key": "max_client_conn", "value": "100"}, {"key": "default_pool_size", "value": "20"}},
		[]pgbRow{
			{"name": "app", "host": "db", "port": "5432", "database": "app", "pool_size": "20"},
			{"name": "big", "host": "db2", "port": "5433", "database": "big_db", "pool_size": "50"},
			{"name": "pgbouncer", "port": "6432", "database": "pgbouncer", "pool_size": "2"},
		})
	pools := []pgbRow{
		{"database": "pgbouncer", "user": "pgbouncer", "cl_active": "1", "cl_waiting": "0", "pool_mode": "statement"},
		{"database": "app", "user": "web", "cl_active": "30", "cl_waiting": "4", "sv_active": "20", "sv_idle": "0", "sv_used": "0",
			"maxwait": "1", "maxwait_us": "250000", "pool_mode": "transaction"},
		{"database": "big", "user": "batch", "cl_active": "3", "cl_waiting": "0", "sv_active": "2", "sv_idle": "5", "sv_used": "1",
			"maxwait": "0", "maxwait_us": "0", "pool_mode": "session"},
	}
	stats := []pgbRow{
		{"database": "app", "total_xact_count": "1000", "total_wait_time": "5000000"},
		{"database": "big", "total_xact_count": "10", "total_wait_time": "0"},
	}
	got := pgbouncerPools(st, pools, stats)
	type want struct {
		name                       string
		active, idle, waiting, max int
		waitMs                     float64
		attempts, waitUs           uint64
		setting, paste             string
		activeOnly, ceiling        bool
	}
	wants := []want{
		{"app/web", 20, 0, 4, 20, 1250, 1000, 5000000, "default_pool_size", "default_pool_size = 21", true, true},
		{"big/batch", 2, 6, 0, 50, 0, 10, 0, "pool_size of big", "big = host=db2 port=5433 dbname=big_db pool_size=51", true, true},
		{"clients", 1 + 30 + 4 + 3, 0, 0, 100, 0, 0, 0, "max_client_conn", "max_client_conn = 101", false, true},
	}
	if len(got) != len(wants) {
		t.Fatalf("%d pools, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		p := got[i]
		paste := fmt.Sprintf(p.Facts[FactPasteMax], w.max+1)
		if p.Name != w.name || p.Active != w.active || p.Idle != w.idle || p.Waiting != w.waiting || p.MaxSize != w.max ||
			p.WaitMs != w.waitMs || p.Attempts != w.attempts || p.WaitTotalUs != w.waitUs ||
			p.Facts[FactMaxSetting] != w.setting || !strings.HasPrefix(paste, w.paste) ||
			p.ActiveOnly != w.activeOnly || (p.Facts[FactCeiling] == "true") != w.ceiling {
			t.Errorf("pool %d = %+v (paste %q), want %+v", i, p, paste, w)
		}
		if !contains(p.Missing, report.MetricErrorRate) {
			t.Errorf("%s: error_rate not listed missing: %v", p.Name, p.Missing)
		}
	}
}

// TestAcquireWaitDerivedMean: the mean is Δtotal_wait_time/Δxacts, and it
// lifts p95, p99 and max when the sampled maxwait missed the waits; p50 is
// never made up.
func TestAcquireWaitDerivedMean(t *testing.T) {
	tests := []struct {
		name            string
		w               PoolWindow
		mean, p95, peak float64
	}{
		{"no counter", PoolWindow{PeakWaitMs: 40, Attempts: 10}, 0, 40, 40},
		{"no attempts", PoolWindow{PeakWaitMs: 40, WaitTotalUs: 5000}, 0, 40, 40},
		{"mean below the peak", PoolWindow{PeakWaitMs: 40, Attempts: 10, WaitTotalUs: 100_000}, 10, 40, 40},
		{"samples missed the waits", PoolWindow{PeakWaitMs: 0, Attempts: 4, WaitTotalUs: 1_000_000}, 250, 250, 250},
	}
	for _, tt := range tests {
		q := acquireWait(tt.w)
		if q.Mean != tt.mean || q.P95 != tt.p95 || q.P99 != tt.p95 || q.Max != tt.peak || q.P50 != 0 {
			t.Errorf("%s: %+v, want mean %g p95 %g max %g", tt.name, q, tt.mean, tt.p95, tt.peak)
		}
	}
}

// TestPgbouncerObserved drives known traffic through a private pgbouncer
// with pool_size 2: two clients hold a transaction each and three more
// send a query, so three wait. The reading in the middle must say 2 active
// of 2, 3 waiting and a maxwait; the window must count the 5 + 2
// transactions and a derived mean wait, and the report must ask for
// default_pool_size = 3.
func TestPgbouncerObserved(t *testing.T) {
	const holders, waiters = 2, 3
	pgb := testenv.StartPgbouncer(t, testenv.PgbouncerOptions{PoolSize: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	poolName := testenv.PgbouncerDB + "/" + pgb.User
	src, err := NewPgbouncer("pgbouncer", pgb.StatsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	conns := make([]*pgconn.PgConn, holders+waiters)
	for i := range conns {
		c, err := pgconn.Connect(ctx, pgb.URL)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		defer c.Close(context.Background())
		conns[i] = c
	}
	var wg sync.WaitGroup
	errs := make(chan error, waiters)
	defer wg.Wait()
	waitFor := func(what string, ok func(Pool) bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; {
			r, err := src.Snapshot(ctx)
			for _, p := range r.Pools {
				if err == nil && p.Name == poolName && ok(p) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("pgbouncer never showed %s: %+v, %v\n%s", what, r.Pools, err, pgb.Log(t))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	steps := []func(){
		func() { // hold both server connections, queue three clients
			for _, c := range conns[:holders] {
				if _, err := c.Exec(ctx, "BEGIN; SELECT 1").ReadAll(); err != nil {
					t.Fatalf("BEGIN: %v", err)
				}
			}
			for _, c := range conns[holders:] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := c.Exec(ctx, "SELECT 1").ReadAll()
					errs <- err
				}()
			}
			waitFor("3 clients waiting", func(p Pool) bool { return p.Waiting == waiters && p.WaitMs >= 100 })
		},
		func() { // release: the waiters run, every transaction ends
			for _, c := range conns[:holders] {
				if _, err := c.Exec(ctx, "COMMIT").ReadAll(); err != nil {
					t.Fatalf("COMMIT: %v", err)
				}
			}
			wg.Wait()
			for range waiters {
				if err := <-errs; err != nil {
					t.Fatalf("waiting client: %v", err)
				}
			}
			waitFor("the pool at rest", func(p Pool) bool { return p.Waiting == 0 && p.Active == 0 })
		},
	}
	clock := time.Unix(0, 0)
	res := Observe(ctx, []Source{src}, Options{
		Window: time.Duration(len(steps)) * time.Second, Interval: time.Second,
		Now: func() time.Time { return clock },
		Sleep: func(context.Context, time.Duration) error {
			steps[0]()
			steps = steps[1:]
			clock = clock.Add(time.Second)
			return nil
		},
	})
	sw := res.Sources[0]
	if sw.Failed != 0 || sw.Readings != 3 {
		t.Fatalf("%d readings, %d failed (%s), want 3 and 0", sw.Readings, sw.Failed, sw.LastError)
	}
	t.Logf("cost: %d readings, %d commands, %d bytes read back", sw.Readings, sw.Queries, sw.Bytes)
	if r, err := src.Snapshot(ctx); err == nil {
		t.Logf("cost of one more reading: %d commands, %d bytes (%d pools incl. the console's)", r.Queries, r.Bytes, len(r.Pools))
	}
	if sw.Queries != 3*2+2 {
		t.Errorf("%d queries, want 8: SHOW POOLS and STATS per reading, CONFIG and DATABASES once", sw.Queries)
	}
	var pool, clients *PoolWindow
	for i := range sw.Pools {
		switch sw.Pools[i].Last.Name {
		case poolName:
			pool = &sw.Pools[i]
		case PgbouncerClients:
			clients = &sw.Pools[i]
		}
	}
	if pool == nil || clients == nil {
		t.Fatalf("pools %+v: want %s and clients", sw.Pools, poolName)
	}
	if pool.PeakWaiting != waiters || pool.PeakUtilization != 1 || pool.Last.MaxSize != 2 || pool.PeakWaitMs < 100 {
		t.Errorf("pool window %+v: want 3 waiting, utilization 1 of pool_size 2, maxwait ≥ 100 ms", pool)
	}
	// The stats count the 3 waiters' and 2 holders' transactions, and
	// the time the waiters waited (≥ 100 ms each, as maxwait showed).
	if pool.Attempts < holders+waiters || pool.Ops < holders+waiters || pool.WaitTotalUs < 100_000 {
		t.Errorf("Δxacts %d, Δqueries %d, Δwait %d µs: want ≥ %d, ≥ %d and ≥ 100000",
			pool.Attempts, pool.Ops, pool.WaitTotalUs, holders+waiters, holders+waiters)
	}
	if clients.Last.MaxSize != 50 || clients.Last.Active < holders+waiters {
		t.Errorf("clients %+v: want max_client_conn 50 and ≥ %d clients", clients.Last, holders+waiters)
	}

	var in report.Input
	res.Fill(&in)
	var found bool
	for _, p := range in.Pools {
		if p.Snapshot.Name != "pgbouncer/"+poolName {
			continue
		}
		found = true
		if p.Observed.Source != report.SourcePgbouncer || p.Snapshot.AcquireWaitMs.Mean <= 0 {
			t.Errorf("source %q, mean wait %g: want pgbouncer and a derived mean", p.Observed.Source, p.Snapshot.AcquireWaitMs.Mean)
		}
		if p.Throughput <= 0 || len(p.Derived) == 0 {
			t.Errorf("throughput %g, derived %q: want the queries per second and how the figures were made", p.Throughput, p.Derived)
		}
		if !hasRec(p.Observed.Recommendations, "pool.clients_waiting", "default_pool_size = 3") {
			t.Errorf("recommendations %+v: want pool.clients_waiting with default_pool_size = 3", p.Observed.Recommendations)
		}
	}
	if !found {
		t.Errorf("no pool pgbouncer/%s in %+v", poolName, in.Pools)
	}
}

func hasRec(recs []report.Recommendation, id, suggestion string) bool {
	for _, r := range recs {
		if r.ID == id && strings.HasPrefix(r.Suggestion, suggestion) {
			return true
		}
	}
	return false
}

// TestPgbouncerUnreachable: a console that does not answer is a failed
// reading with a redacted error, not a crash; the source reconnects later.
func TestPgbouncerUnreachable(t *testing.T) {
	const secret = "pgbS3cret"
	src, err := NewPgbouncer("pgbouncer", "postgres://stats:"+secret+"@127.0.0.1:1/pgbouncer?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err = src.Snapshot(context.Background())
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("err = %v, want a connection error without the password", err)
	}
	if _, _, u := src.Target(); strings.Contains(u, secret) {
		t.Errorf("target URL %q shows the password", u)
	}
}

// TestPgbouncerRefused: a user the console does not admit, or one pgbouncer
// does not know, is a failed reading that says what to change.
func TestPgbouncerRefused(t *testing.T) {
	pgb := testenv.StartPgbouncer(t, testenv.PgbouncerOptions{})
	tests := []struct{ user, want string }{
		{testenv.PgbouncerPlainUser, "the console admits only the users in pgbouncer.ini's stats_users or admin_users"},
		{"stranger", "must be in pgbouncer's auth_file"},
	}
	for _, tt := range tests {
		url := strings.Replace(pgb.StatsURL, testenv.PgbouncerStatsUser+"@", tt.user+":pw@", 1)
		src, err := NewPgbouncer("pgbouncer", url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Snapshot(context.Background())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to say %q", tt.user, err, tt.want)
		}
		_ = src.Close()
	}
}
