package observe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/observe/prom"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/target"
)

func recorded(t *testing.T, name string) *prom.Snapshot {
	t.Helper()
	f, err := os.Open(filepath.Join("prom", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := prom.Decode(f, http.Header{"Content-Type": {"text/plain; version=0.0.4"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPrometheusReading maps each recorded exporter onto pools and caches:
// the gauges, the counters the rules use, the metrics each family cannot
// give and the paste line for its maximum.
func TestPrometheusReading(t *testing.T) {
	tests := []struct {
		file, name string
		pool       *Pool  // the fields checked: gauges, counters, Missing
		cache      *Cache // the fields checked
		paste      string
	}{
		{file: "hikaricp.prom", name: "HikariPool-1", paste: "spring.datasource.hikari.maximum-pool-size=%d",
			pool: &Pool{Kind: "hikaricp", Active: 7, Idle: 3, Waiting: 2, MaxSize: 10,
				Attempts: 1523, Errors: 3, Rejected: 3, WaitCount: 1520, WaitTotalUs: 912000}},
		{file: "sql.prom", name: "orders", paste: "db.SetMaxOpenConns(%d)",
			pool: &Pool{Kind: "sql", Active: 4, Idle: 2, MaxSize: 8, WaitCount: 40, WaitTotalUs: 1500000,
				Missing: []string{report.MetricErrorRate}}},
		{file: "pgxpool.prom", name: "database=inventory", paste: "pool_max_conns=%d",
			pool: &Pool{Kind: "pgxpool", Active: 3, Idle: 1, MaxSize: 4, Attempts: 901, Errors: 1,
				WaitCount: 900, WaitTotalUs: 450000}},
		{file: "goredis.prom", name: "shop_cache", paste: "PoolSize: %d",
			pool: &Pool{Kind: "go-redis", Active: 3, Idle: 5, Attempts: 10004, Errors: 4, Rejected: 4,
				Missing: []string{report.MetricAcquireWait, report.MetricUtilization}}},
		{file: "resync.prom", name: "redis",
			pool: &Pool{Kind: "resync", Active: 8, Idle: 12, MaxSize: 20, Attempts: 100, Errors: 3,
				WaitCount: 100, WaitTotalUs: 250000}},
		{file: "resync.prom", name: "probe",
			cache: &Cache{Hits: 90, Misses: 10, Items: 40, Missing: []string{report.MetricEvictionRate}}},
		{file: "micrometer_cache.prom", name: "products{cacheManager=cacheManager,name=products}",
			cache: &Cache{Hits: 750, Misses: 250, Sets: 250, Evictions: 50, Items: 200}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.name, func(t *testing.T) {
			r := PrometheusReading(recorded(t, tt.file))
			if tt.pool != nil {
				i := slices.IndexFunc(r.Pools, func(p Pool) bool { return p.Name == tt.name })
				if i < 0 {
					t.Fatalf("no pool %q in %+v", tt.name, r.Pools)
				}
				got, want := r.Pools[i], *tt.pool
				if got.Kind != want.Kind || got.Active != want.Active || got.Idle != want.Idle ||
					got.Waiting != want.Waiting || got.MaxSize != want.MaxSize || got.Attempts != want.Attempts ||
					got.Errors != want.Errors || got.Rejected != want.Rejected || got.WaitCount != want.WaitCount ||
					got.WaitTotalUs != want.WaitTotalUs || !slices.Equal(got.Missing, want.Missing) || !got.ActiveOnly {
					t.Errorf("pool\n got %+v\nwant %+v", got, want)
				}
				if got.Facts[FactPasteMax] != tt.paste {
					t.Errorf("paste line %q, want %q", got.Facts[FactPasteMax], tt.paste)
				}
				if len(got.Derived) == 0 {
					t.Error("no derived figure named")
				}
			}
			if tt.cache != nil {
				i := slices.IndexFunc(r.Caches, func(c Cache) bool { return c.Name == tt.name })
				if i < 0 {
					t.Fatalf("no cache %q in %+v", tt.name, r.Caches)
				}
				got, want := r.Caches[i], *tt.cache
				if got.Hits != want.Hits || got.Misses != want.Misses || got.Sets != want.Sets ||
					got.Evictions != want.Evictions || got.Items != want.Items || !slices.Equal(got.Missing, want.Missing) {
					t.Errorf("cache\n got %+v\nwant %+v", got, want)
				}
			}
		})
	}
}

// TestPromNames: a name two exporters share gets the exporter in front; a
// pool and a cache may share one.
func TestPromNames(t *testing.T) {
	es := []*prom.Entity{
		{Kind: prom.KindPool, Exporter: "sql", Name: "database"},
		{Kind: prom.KindPool, Exporter: "resync", Name: "database"},
		{Kind: prom.KindPool, Exporter: "resync", Name: "redis"},
		{Kind: prom.KindCache, Exporter: "resync", Name: "database"},
	}
	got := promNames(es)
	want := []string{"sql:database", "resync:database", "redis", "database"}
	for i, e := range es {
		if got[e.Key()] != want[i] {
			t.Errorf("%s named %q, want %q", e.Key(), got[e.Key()], want[i])
		}
	}
}

// exposition is a service's /metrics whose counters the test moves between
// readings: a database/sql pool and a resync cache.
type exposition struct {
	waits, waitSec atomic.Value // int, float64
	hits, misses   atomic.Int64
	inUse          atomic.Int64
	served         atomic.Int64
}

func (x *exposition) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	x.served.Add(1)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# TYPE go_sql_max_open_connections gauge\ngo_sql_max_open_connections{db_name=\"orders\"} 4\n")
	fmt.Fprintf(w, "# TYPE go_sql_in_use_connections gauge\ngo_sql_in_use_connections{db_name=\"orders\"} %d\n", x.inUse.Load())
	fmt.Fprintf(w, "# TYPE go_sql_idle_connections gauge\ngo_sql_idle_connections{db_name=\"orders\"} 0\n")
	fmt.Fprintf(w, "# TYPE go_sql_wait_count_total counter\ngo_sql_wait_count_total{db_name=\"orders\"} %d\n", x.waits.Load())
	fmt.Fprintf(w, "# TYPE go_sql_wait_duration_seconds_total counter\ngo_sql_wait_duration_seconds_total{db_name=\"orders\"} %g\n", x.waitSec.Load())
	fmt.Fprintf(w, "# TYPE resync_cache_hits_total counter\nresync_cache_hits_total{cache=\"users\"} %d\n", x.hits.Load())
	fmt.Fprintf(w, "# TYPE resync_cache_misses_total counter\nresync_cache_misses_total{cache=\"users\"} %d\n", x.misses.Load())
	fmt.Fprintf(w, "# TYPE process_open_fds gauge\nprocess_open_fds 9\n")
}

// TestPrometheusObserve observes a live endpoint over three readings whose
// counters the test moves, one going backwards (a restart), and checks the
// report's entries against the traffic: names, source, the hit rate, the
// derived mean wait, the missing metrics and the reset.
func TestPrometheusObserve(t *testing.T) {
	x := &exposition{}
	x.waits.Store(10)
	x.waitSec.Store(1.0)
	x.hits.Store(100)
	x.inUse.Store(4)
	srv := httptest.NewServer(x)
	defer srv.Close()

	src := NewPrometheus("metrics", srv.URL+"/metrics?token=s3cret")
	defer src.Close()
	clock := time.Unix(0, 0)
	step := 0
	res := Observe(context.Background(), []Source{src}, Options{
		Window: 2 * time.Second, Interval: time.Second,
		Now: func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error {
			clock = clock.Add(d)
			step++
			switch step {
			case 1: // 20 more waits of 50 ms; 30 hits, 10 misses
				x.waits.Store(30)
				x.waitSec.Store(2.0)
				x.hits.Store(130)
				x.misses.Store(10)
			case 2: // the service restarted: hits count again from 0
				x.waits.Store(40)
				x.waitSec.Store(4.0)
				x.hits.Store(60)
				x.misses.Store(30)
				x.inUse.Store(2)
			}
			return nil
		},
	})
	if got := x.served.Load(); got != 3 {
		t.Fatalf("endpoint read %d times, want 3 (start, interval, end)", got)
	}
	sw := res.Sources[0]
	if sw.Queries != 3 || sw.Bytes <= 0 || sw.Source != report.SourcePrometheus || sw.TargetKind != string(target.Prometheus) {
		t.Errorf("window %+v: want 3 queries, bytes > 0, source and kind prometheus", sw)
	}
	if strings.Contains(sw.TargetURL, "s3cret") {
		t.Errorf("target URL %q shows the token", sw.TargetURL)
	}
	if got := src.Ignored(); !slices.Equal(got, []string{"process_open_fds"}) {
		t.Errorf("ignored families %q", got)
	}

	var in report.Input
	res.Fill(&in)
	rep := report.Build(in)
	c, ok := rep.Caches["metrics/users"]
	if !ok {
		t.Fatalf("no cache metrics/users in %v", rep.Caches)
	}
	// hits 100 → 130 → 60 (reset: 60 from zero) = 90; misses 0 → 10 → 30 = 30.
	if c.Metrics.Hits != 90 || c.Metrics.Misses != 30 || c.CounterResets != 1 || c.Source != report.SourcePrometheus {
		t.Errorf("cache %+v: want 90 hits, 30 misses, 1 reset, source prometheus", c)
	}
	if !slices.Contains(c.MissingMetrics, report.MetricEvictionRate) || !slices.Contains(c.MissingMetrics, report.MetricMemoryEfficiency) {
		t.Errorf("cache missing %v: want eviction_rate (no write counter) and memory_efficiency (no bound)", c.MissingMetrics)
	}
	p, ok := rep.Pools["metrics/orders"]
	if !ok {
		t.Fatalf("no pool metrics/orders in %v", rep.Pools)
	}
	// 30 waits over 3 s: mean 100 ms; the intervals' means are 50 and 200 ms.
	w := p.Metrics.AcquireWaitMs
	if w.P50 != 100 || w.Mean != 100 || w.P95 != 200 || w.P99 != 200 || w.Max != 200 {
		t.Errorf("acquire wait %+v: want p50 and mean 100 ms, p95, p99 and max 200 ms", w)
	}
	// in use 4, 4, 2 of 4: mean 10/12.
	if u := p.Metrics.Utilization; u < 0.83 || u > 0.84 {
		t.Errorf("utilization %v, want 0.833 (in use ÷ max, idle not counted)", u)
	}
	if !slices.Contains(p.MissingMetrics, report.MetricErrorRate) || len(p.Metrics.Derived) == 0 {
		t.Errorf("pool missing %v derived %v: want error_rate missing and the derived wait named", p.MissingMetrics, p.Metrics.Derived)
	}
	// All 4 connections were in use: raise the max, in database/sql's words.
	if !slices.ContainsFunc(p.Recommendations, func(r report.Recommendation) bool {
		return r.ID == "pool.raise_max" && r.Suggestion == "db.SetMaxOpenConns(6)"
	}) {
		t.Errorf("a full database/sql pool without pool.raise_max db.SetMaxOpenConns(6): %+v", p.Recommendations)
	}
}

// TestPrometheusFailures: an endpoint that answers HTML, or none at all, is
// an unreachable target with a clear, redacted error — a finding, not a
// crash.
func TestPrometheusFailures(t *testing.T) {
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>sign in</html>")
	}))
	defer html.Close()
	tests := []struct{ name, url, want string }{
		{"html", html.URL + "/metrics?api_key=s3cret", "not a Prometheus exposition: content type \"text/html\""},
		{"refused", "http://u:s3cret@127.0.0.1:1/metrics", "metrics http://u:***@127.0.0.1:1/metrics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := NewPrometheus("metrics", tt.url)
			defer src.Close()
			clock := time.Unix(0, 0)
			res := Observe(context.Background(), []Source{src}, Options{
				Window: time.Second, Interval: time.Second,
				Now:   func() time.Time { return clock },
				Sleep: func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
			})
			var in report.Input
			res.Fill(&in)
			rep := report.Build(in)
			if len(rep.Targets) != 1 || rep.Targets[0].Reachable || !strings.Contains(rep.Targets[0].Error, tt.want) {
				t.Fatalf("targets %+v: want one unreachable target with %q", rep.Targets, tt.want)
			}
			if strings.Contains(rep.Targets[0].Error+rep.Targets[0].URL, "s3cret") {
				t.Errorf("secret in %+v", rep.Targets[0])
			}
			if rep.OverallHealth != report.HealthCritical {
				t.Errorf("health %s, want critical (a target is unreachable)", rep.OverallHealth)
			}
		})
	}
}

func TestFromTargetsPrometheus(t *testing.T) {
	ts, err := target.FromMetricsURLs([]string{"http://127.0.0.1:9/metrics"})
	if err != nil {
		t.Fatal(err)
	}
	srcs, skipped, err := FromTargets(ts)
	if err != nil || len(skipped) != 0 || len(srcs) != 1 || srcs[0].Name() != report.SourcePrometheus {
		t.Fatalf("sources %v skipped %v err %v: want one prometheus source", srcs, skipped, err)
	}
	CloseAll(srcs)
}
