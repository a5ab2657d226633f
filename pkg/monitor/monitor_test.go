package monitor_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/monitor"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// saturate runs work on n goroutines until d passes, while the monitor
// samples often, so the in-use connections are seen at their peak. It
// returns the last report taken while the load ran (a report after it would
// average in the idle time since).
func saturate(t *testing.T, m *monitor.Monitor, n int, d time.Duration, work func(ctx context.Context) error) *report.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := work(ctx); err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		})
	}
	var last *report.Report
	for ctx.Err() == nil {
		r, err := m.Report(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		last = r
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return last
}

func firstSuggestion(t *testing.T, r *report.Report, pool string) string {
	t.Helper()
	e, ok := r.Pools[pool]
	if !ok {
		t.Fatalf("no pool %q in the report (pools: %v)", pool, r.PoolNames())
	}
	if len(e.Recommendations) == 0 {
		t.Fatalf("pool %q: no recommendation; metrics %+v", pool, e.Metrics)
	}
	return e.Recommendations[0].Suggestion
}

func TestSQLDBSaturated(t *testing.T) {
	db, err := sql.Open("pgx", testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	m := monitor.New(monitor.Options{Interval: monitor.MinInterval})
	defer m.Close()
	m.RegisterSQLDB("database", db)
	r := saturate(t, m, 6, 800*time.Millisecond, func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, "SELECT pg_sleep(0.02)")
		return err
	})
	pm := r.Pools["database"].Metrics
	if pm.Kind != "postgres" || pm.MaxSize != 2 || pm.Exhaustions == 0 || pm.Utilization < 0.5 || len(pm.Derived) == 0 {
		t.Errorf("metrics %+v: want kind postgres, max 2, exhaustions, utilization ≥ 50 %%, derived figures named", pm)
	}
	if pm.AcquireWaitMs.Max <= 0 || pm.AcquireWaitMs.Mean <= 0 { // the last interval, after the load, had no waits
		t.Errorf("acquire wait %+v: want the derived mean wait", pm.AcquireWaitMs)
	}
	if s := firstSuggestion(t, r, "database"); !strings.HasPrefix(s, "db.SetMaxOpenConns(") {
		t.Errorf("suggestion %q, want db.SetMaxOpenConns(n)", s)
	}
}

func TestPgxPoolSaturated(t *testing.T) {
	cfg, err := pgxpool.ParseConfig(testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := monitor.New(monitor.Options{Interval: monitor.MinInterval})
	defer m.Close()
	m.RegisterPgxPool("postgres", pool)
	// Long holds, so the moments between two of a worker's queries (when
	// the connection is back in the pool) stay a small part of the time
	// even on a loaded machine.
	r := saturate(t, m, 6, 1200*time.Millisecond, func(ctx context.Context) error {
		_, err := pool.Exec(ctx, "SELECT pg_sleep(0.15)")
		return err
	})
	pm := r.Pools["postgres"].Metrics
	if pm.MaxSize != 2 || pm.AcquireCount == 0 || pm.Utilization <= 0.9 || strings.Contains(pm.Target, "password") {
		t.Errorf("metrics %+v: want max 2, acquires counted, utilization above 90 %%", pm)
	}
	if s := firstSuggestion(t, r, "postgres"); !strings.HasPrefix(s, "pool_max_conns=") {
		t.Errorf("suggestion %q, want pool_max_conns=n", s)
	}
}

func TestRedisSaturated(t *testing.T) {
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.PoolSize = 2
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	m := monitor.New(monitor.Options{Interval: monitor.MinInterval})
	defer m.Close()
	m.RegisterRedis("redis", rdb)
	// BLPOP on a key nobody pushes to holds a connection for 50 ms without
	// blocking the shared server.
	key := fmt.Sprintf("resync-m22-monitor-%d", time.Now().UnixNano())
	r := saturate(t, m, 6, 800*time.Millisecond, func(ctx context.Context) error {
		err := rdb.Do(ctx, "BLPOP", key, "0.05").Err()
		if err == redis.Nil {
			return nil
		}
		return err
	})
	pm := r.Pools["redis"].Metrics
	if pm.MaxSize != 2 || pm.Exhaustions == 0 || pm.AcquireCount == 0 {
		t.Errorf("metrics %+v: want max 2, exhaustions and acquires", pm)
	}
	if s := firstSuggestion(t, r, "redis"); !strings.HasPrefix(s, "PoolSize: ") {
		t.Errorf("suggestion %q, want PoolSize: n", s)
	}
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestHandler(t *testing.T) {
	const token = "s3cret-token"
	reg := prometheus.NewRegistry()
	m := monitor.New(monitor.Options{Token: token, Registerer: reg})
	c, err := cache.New(cache.Options[string, string]{MaxItems: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m.RegisterCache("users", c)
	c.Set("a", "1", 0)
	c.Get("a")
	c.Get("b")
	sessions := m.Cache("sessions")
	sessions.RecordAccess(true, time.Microsecond)
	sessions.RecordAccess(false, 3*time.Microsecond)
	if m.Cache("sessions") != sessions {
		t.Error("Cache(name) twice gave two recorders")
	}
	id, err := m.Tracker().Register("conn", "handler-test")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Tracker().Release(id)
	if _, err := m.Report(t.Context()); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/api/performance/", m.Handler())
	mux.Handle("/metrics", m.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if code, _ := get(t, srv.URL+"/api/performance/report", ""); code != http.StatusUnauthorized {
		t.Errorf("report without the token: %d, want 401", code)
	}
	if code, _ := get(t, srv.URL+"/api/performance/health", ""); code != http.StatusOK {
		t.Errorf("health without the token: %d, want 200 (public)", code)
	}
	code, body := get(t, srv.URL+"/api/performance/report", token)
	if code != http.StatusOK {
		t.Fatalf("report: %d %s", code, body)
	}
	if err := reporttest.MatchesSchema("report", []byte(body)); err != nil {
		t.Error(err)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if got := r.Caches["users"].Metrics; got.Hits != 1 || got.Misses != 1 || got.Items != 1 {
		t.Errorf("users cache %+v: want 1 hit, 1 miss, 1 item", got)
	}
	if got := r.Caches["sessions"].Metrics; got.HitRate != 0.5 || got.AvgAccessNs != 2000 {
		t.Errorf("sessions cache %+v: want hit rate 0.5 and 2000 ns", got)
	}
	if r.Resources.ActiveCount != 1 {
		t.Errorf("resources active %d, want 1", r.Resources.ActiveCount)
	}
	code, body = get(t, srv.URL+"/api/performance/cache/metrics", token)
	if code != http.StatusOK || !strings.Contains(body, `"sessions"`) {
		t.Errorf("cache/metrics: %d %s", code, body)
	}
	code, body = get(t, srv.URL+"/api/performance/resources/leaks?max_lifetime_seconds=0.000001", token)
	if code != http.StatusOK || !strings.Contains(body, "handler-test") {
		t.Errorf("resources/leaks: %d %s, want the tracked resource as a leak", code, body)
	}
	code, body = get(t, srv.URL+"/metrics", token)
	if code != http.StatusOK || !strings.Contains(body, `resync_cache_hits_total{cache="users"} 1`) {
		t.Errorf("/metrics: %d, want resync_cache_hits_total for users in:\n%.2000s", code, body)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if !strings.Contains(strings.Join(names, " "), "resync_cache_efficiency_score") {
		t.Errorf("the service's registry has %v, want the report's resync_* metrics", names)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if mfs, _ := reg.Gather(); len(mfs) != 0 {
		t.Errorf("after Close the service's registry still has %d metric families", len(mfs))
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestIntervalBounds(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{0, monitor.DefaultInterval},
		{time.Millisecond, monitor.MinInterval},
		{time.Hour, monitor.MaxInterval},
		{time.Second, time.Second},
	}
	for _, tt := range tests {
		m := monitor.New(monitor.Options{Interval: tt.in})
		if got := m.Interval(); got != tt.want {
			t.Errorf("Interval %v: got %v, want %v", tt.in, got, tt.want)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
