package observe

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

func pgConnect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func pgExec(t *testing.T, c *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func pgSnapshot(t *testing.T, s *PostgresSource) (Cache, Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Caches) != 1 || len(r.Pools) != 1 || r.Queries < 1 || r.Bytes <= 0 {
		t.Fatalf("reading %+v: want one cache, one pool, a query and bytes", r)
	}
	return r.Caches[0], r.Pools[0]
}

// TestPostgresSourceConnections runs on a private cluster (max_connections
// 20, 3 reserved) where the test's sessions are the only clients: two idle
// ones, one idle in transaction holding a lock and one waiting for it must
// be counted exactly, resync's own backend left out.
func TestPostgresSourceConnections(t *testing.T) {
	pg := testenv.StartPostgres(t, testenv.PostgresOptions{MaxConnections: 20})
	s, err := NewPostgres("database", pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	_, p := pgSnapshot(t, s)
	if p.Active+p.Idle+p.Waiting != 0 || p.MaxSize != 17 {
		t.Fatalf("empty cluster: active %d idle %d waiting %d max %d, want 0 0 0 and 20 − 3 = 17 (own backend left out)",
			p.Active, p.Idle, p.Waiting, p.MaxSize)
	}

	pgConnect(t, pg.URL)
	pgConnect(t, pg.URL)
	holder := pgConnect(t, pg.URL)
	pgExec(t, holder, "CREATE TABLE locked (id int)")
	pgExec(t, holder, "BEGIN")
	pgExec(t, holder, "LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
	waiter := pgConnect(t, pg.URL)
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Exec(context.Background(), "SELECT count(*) FROM locked")
		done <- err
	}()
	defer func() {
		pgExec(t, holder, "ROLLBACK")
		if err := <-done; err != nil {
			t.Errorf("waiter: %v", err)
		}
	}()

	var want = Pool{Active: 2, Idle: 2, Waiting: 1} // holder in transaction + waiter active; two idle
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, p = pgSnapshot(t, s)
		if p.Active == want.Active && p.Idle == want.Idle && p.Waiting == want.Waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("active %d idle %d waiting %d, want %d %d %d", p.Active, p.Idle, p.Waiting, want.Active, want.Idle, want.Waiting)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := p.Facts[FactInTransaction]; got != "1" {
		t.Errorf("in transaction %q, want 1", got)
	}

	// An ordinary role sees no state of the superuser's five sessions (the
	// test's four and the first source's): they are counted, reported as
	// hidden, and a rule says what to grant.
	app, err := NewPostgres("database", pg.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	_, hp := pgSnapshot(t, app)
	if hp.Active+hp.Idle != 5 || hp.Facts[FactHidden] != "5" {
		t.Errorf("as role app: %d active + %d idle, %s hidden; want 5 sessions, all hidden", hp.Active, hp.Idle, hp.Facts[FactHidden])
	}
	recs := pgPoolRules("database/connections", PoolWindow{Last: hp})
	if len(recs) != 1 || recs[0].ID != "postgres.stats_hidden" {
		t.Errorf("rules for hidden sessions: %+v, want postgres.stats_hidden", recs)
	}
}

// TestPostgresSourceReset: pg_stat_reset() on a private cluster is a new
// epoch; the window counts from the new values and records the reset.
func TestPostgresSourceReset(t *testing.T) {
	pg := testenv.StartPostgres(t, testenv.PostgresOptions{})
	s, err := NewPostgres("database", pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c1, p1 := pgSnapshot(t, s)
	admin := pgConnect(t, pg.URL)
	pgExec(t, admin, "SELECT pg_stat_reset()")
	deadline := time.Now().Add(10 * time.Second)
	for {
		c2, p2 := pgSnapshot(t, s)
		if c2.Epoch != c1.Epoch && p2.Epoch != p1.Epoch {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("epoch %q stayed %q after pg_stat_reset()", c2.Epoch, c1.Epoch)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPostgresSourceTraffic reads the shared server (read-only but for a
// table of the test's own with a unique name, dropped at the end): reads on
// a separate connection must move the buffer cache's hits and reads, and
// the session must be counted among the connections.
func TestPostgresSourceTraffic(t *testing.T) {
	url := testenv.PostgresURL(t)
	s, err := NewPostgres("database", url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c1, _ := pgSnapshot(t, s)

	traffic := pgConnect(t, url)
	table := fmt.Sprintf("resync_observe_%d", time.Now().UnixNano())
	pgExec(t, traffic, "CREATE TABLE "+table+" AS SELECT g AS id, repeat('x', 200) AS v FROM generate_series(1, 5000) g")
	t.Cleanup(func() {
		c := pgConnect(t, url)
		pgExec(t, c, "DROP TABLE IF EXISTS "+table)
	})
	for range 5 {
		pgExec(t, traffic, "SELECT count(*), max(v) FROM "+table)
	}
	_, p := pgSnapshot(t, s)
	if p.Active+p.Idle < 1 {
		t.Errorf("connections %d active + %d idle: the traffic session is not counted", p.Active, p.Idle)
	}
	if p.MaxSize <= 0 || p.Facts[FactCeiling] != "true" {
		t.Errorf("max %d, facts %v: want the server's limit as a ceiling", p.MaxSize, p.Facts)
	}
	pgExec(t, traffic, "DROP TABLE "+table)
	if err := traffic.Close(context.Background()); err != nil { // a closing backend publishes its counters
		t.Fatal(err)
	}

	deadline := time.Now().Add(15 * time.Second)
	for {
		c2, _ := pgSnapshot(t, s)
		gets := (c2.Hits + c2.Misses) - (c1.Hits + c1.Misses)
		if c2.Epoch == c1.Epoch && gets > 5*100 { // 5 scans of ≥ 100 blocks (5000 rows of 200 bytes)
			if c2.MaxBytes <= 0 || c2.Facts[FactPasteSize] == "" {
				t.Errorf("buffer cache max %d, facts %v: want shared_buffers and a line to paste", c2.MaxBytes, c2.Facts)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("buffer cache gets grew by %d (hits %d→%d, reads %d→%d), want > 500",
				gets, c1.Hits, c2.Hits, c1.Misses, c2.Misses)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPostgresRules: the buffer cache's low hit rate pastes an ALTER
// SYSTEM line for shared_buffers, a server near max_connections one for
// max_connections, and rollbacks stay evidence: they are no pool error.
func TestPostgresRules(t *testing.T) {
	st := pgStats{hit: 0, read: 0, maxConns: 100, suReserved: 3, sharedBuffers: 128 << 20, sessions: 0}
	c0 := st.cache()
	st.hit, st.read, st.total, st.active, st.sessions, st.commits, st.rollbacks = 300, 700, 95, 10, 50, 50, 50
	c1, p1 := st.cache(), st.pool()
	w := SourceWindow{Source: report.SourcePostgres, TargetName: "database", Readings: 2}
	w.Caches = []CacheWindow{{Last: c1, Hits: c1.Hits - c0.Hits, Misses: c1.Misses - c0.Misses}}
	w.Pools = []PoolWindow{{Last: p1, Attempts: 50, PeakUtilization: 95.0 / 97, MeanUtilization: 95.0 / 97, PeakInUse: 95,
		Counters: map[string]uint64{CounterCommits: 50, CounterRollbacks: 50}}}
	var in report.Input
	(&Result{Sources: []SourceWindow{w}}).Fill(&in)
	r := report.Build(in)
	cache, pool := r.Caches["database/buffer_cache"], r.Pools["database/connections"]
	want := map[string]string{
		"cache.low_hit_rate": "ALTER SYSTEM SET shared_buffers = '256MB'  (then restart the server)",
		"pool.raise_max":     "ALTER SYSTEM SET max_connections = 145  (then restart), or put pgbouncer in front",
		"postgres.rollbacks": "",
	}
	got := map[string]string{}
	for _, rec := range append(cache.Recommendations, pool.Recommendations...) {
		got[rec.ID] = rec.Suggestion
	}
	for id, sug := range want {
		g, ok := got[id]
		if !ok {
			t.Errorf("no %s recommendation in %v", id, got)
		} else if sug != "" && g != sug {
			t.Errorf("%s suggests %q, want %q", id, g, sug)
		}
	}
	if pool.Metrics.Errors != 0 || pool.Metrics.ErrorRate != 0 {
		t.Errorf("rollbacks counted as pool errors: %d (rate %g)", pool.Metrics.Errors, pool.Metrics.ErrorRate)
	}
	if cache.Source != report.SourcePostgres || cache.ScoreNote == "" {
		t.Errorf("cache source %q note %q: want postgres and the renormalised weights", cache.Source, cache.ScoreNote)
	}
}

func TestPgMajor(t *testing.T) {
	for v, want := range map[string]int{"15.20 (Debian 15.20-0+deb12u1)": 15, "9.6.24": 9, "17beta1": 17, "": 0} {
		if got := pgMajor(v); got != want {
			t.Errorf("pgMajor(%q) = %d, want %d", v, got, want)
		}
	}
}
