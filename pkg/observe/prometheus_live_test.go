package observe

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

// TestPrometheusLiveDBStats observes client_golang's DBStats collector over
// a real database/sql pool on the test PostgreSQL: between the first and
// the second reading the test holds both connections of a 2-connection
// pool and queues 3 queries behind them, then lets them run before the
// last. The report's pool must show the 3 waits, a full pool, the derived
// wait and database/sql's paste line.
func TestPrometheusLiveDBStats(t *testing.T) {
	db, err := sql.Open("pgx", testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(db, "live"))
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	src := NewPrometheus("metrics", srv.URL)
	defer src.Close()

	var held []*sql.Conn
	var wg sync.WaitGroup
	base := db.Stats().WaitCount
	clock := time.Unix(0, 0)
	step := 0
	res := Observe(ctx, []Source{src}, Options{
		Window: 2 * time.Second, Interval: time.Second,
		Now: func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error {
			clock = clock.Add(d)
			step++
			switch step {
			case 1: // hold both connections; 3 queries queue behind them
				for range 2 {
					c, err := db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					held = append(held, c)
				}
				for range 3 {
					wg.Go(func() {
						if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
							t.Error(err)
						}
					})
				}
				waitUntil(t, func() bool { return db.Stats().WaitCount >= base+3 })
			case 2: // let them run
				time.Sleep(20 * time.Millisecond) // a wait long enough to measure
				for _, c := range held {
					c.Close()
				}
				wg.Wait()
			}
			return nil
		},
	})
	var in report.Input
	res.Fill(&in)
	rep := report.Build(in)
	p, ok := rep.Pools["metrics/live"]
	if !ok {
		t.Fatalf("no pool metrics/live in %v", rep.Pools)
	}
	m := p.Metrics
	if p.Source != report.SourcePrometheus || m.Kind != "sql" || m.MaxSize != 2 || m.PeakUtilization != 1 {
		t.Errorf("pool %+v: want source prometheus, kind sql, max 2, peak utilization 1", p)
	}
	// The 3 queued queries waited at least the 20 ms the connections stayed held.
	if w := m.AcquireWaitMs; w.Mean < 20 || w.P95 < w.Mean || w.Max < w.P95 {
		t.Errorf("acquire wait %+v: want a mean ≥ 20 ms and p95, max at least the mean", w)
	}
	if !slices.Contains(p.MissingMetrics, report.MetricErrorRate) || len(m.Derived) == 0 {
		t.Errorf("missing %v derived %v: want error_rate missing and the derived wait named", p.MissingMetrics, m.Derived)
	}
	if !slices.ContainsFunc(p.Recommendations, func(r report.Recommendation) bool {
		return r.ID == "pool.raise_max" && r.Suggestion == "db.SetMaxOpenConns(3)"
	}) {
		t.Errorf("recommendations %+v: want pool.raise_max with db.SetMaxOpenConns(3)", p.Recommendations)
	}
	if sw := res.Sources[0]; sw.Queries != 3 || sw.Failed != 0 {
		t.Errorf("%d readings sent, %d failed; want 3 and 0", sw.Queries, sw.Failed)
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30s")
		}
	}
}
