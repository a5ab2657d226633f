package servecmd

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/server"
)

func windowInput(ops, errs uint64, uptime time.Duration) report.Input {
	return report.Input{Pools: []report.PoolInput{{Snapshot: pools.Snapshot{
		Name: "redis", Kind: "redis", MaxSize: 10, AcquireCount: ops + errs, Operations: ops,
		Errors: pools.ErrorCounts{Operation: errs}, Reachable: true, Uptime: uptime,
	}}}}
}

// The window turns lifetime counters into rates over its last stretch:
// errors that ended more than a window ago no longer count, while the
// report's counters stay totals.
func TestWindowReport(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		at         time.Duration
		ops, errs  uint64
		wantRate   float64
		wantHealth string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first rebuild is lifetime", []step{{0, 100, 50, 0.3333, report.HealthCritical}}},
		{"errors age out", []step{
			{0, 100, 0, 0, report.HealthHealthy},
			{10 * time.Second, 200, 100, 0.5, report.HealthCritical},    // base: t=0
			{20 * time.Second, 300, 100, 0.3333, report.HealthCritical}, // base still t=0 (t=10 is not a window old)
			{40 * time.Second, 400, 100, 0, report.HealthHealthy},       // base t=20: no new errors
		}},
		{"pool replaced: counters restart", []step{
			{0, 500, 0, 0, report.HealthHealthy},
			{5 * time.Second, 10, 10, 0.5, report.HealthCritical},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &window{length: 15 * time.Second}
			for _, s := range tt.steps {
				r := w.report(t0.Add(s.at), windowInput(s.ops, s.errs, s.at+time.Second))
				m := r.Pools["redis"].Metrics
				if m.ErrorRate != s.wantRate || r.OverallHealth != s.wantHealth {
					t.Errorf("at %v: error rate %v, health %s (%v); want %v, %s", s.at, m.ErrorRate, r.OverallHealth, r.HealthReasons, s.wantRate, s.wantHealth)
				}
				if m.Operations != s.ops {
					t.Errorf("at %v: operations %d, want the lifetime %d", s.at, m.Operations, s.ops)
				}
			}
		})
	}
}

// serve recovers: a private redis-server behind a fault proxy that refuses
// connections for a while makes /health 503; once the proxy heals, /health
// is 200 again although the errors since start are still far above 5 % of
// the operations (the health covers the sliding window only).
func TestServeRecovers(t *testing.T) {
	rd := testenv.StartRedis(t)
	proxy, url := faultproxy.Behind(t, rd.URL)
	cfg := config.Defaults()
	cfg.Targets.RedisURL = url
	cfg.Pools.Redis.MinSize = 1
	h := startServe(t, "", nil, func(o *ServeOptions) {
		o.Load = func() (*config.Config, error) { c := cfg; return &c, nil }
		o.Open = openDiag
		o.Window = 2 * time.Second
	})
	defer func() {
		if err := h.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	health := func() int { code, _ := h.get(server.PathHealth, ""); return code }
	waitFor(t, "a healthy start", func() bool { return health() == 200 })

	if err := proxy.RefuseNew(true); err != nil {
		t.Fatal(err)
	}
	proxy.CutAll()
	waitFor(t, "503 while the target refuses", func() bool { return health() == 503 })
	time.Sleep(time.Second) // let the errors pile up
	if err := proxy.Heal(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "200 again after the target came back", func() bool { return health() == 200 })

	_, body := h.get(server.PathPoolsMetrics, "")
	var pm map[string]struct {
		Metrics report.PoolMetrics `json:"metrics"`
	}
	if err := json.Unmarshal(body, &pm); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	m := pm["redis"].Metrics
	errs := m.ErrorsByKind.Dial + m.ErrorsByKind.HealthCheck + m.ErrorsByKind.Operation
	if lifetime := float64(errs) / float64(m.AcquireCount+m.ErrorsByKind.Dial); lifetime <= report.PoolHighErrorRate {
		t.Errorf("lifetime error rate %.3f (%d errors): the outage was too short to show the window at work", lifetime, errs)
	}
}
