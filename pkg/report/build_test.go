package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/resources"
)

func TestBuildFixtures(t *testing.T) {
	tests := []struct {
		fixture string
		health  string
		reasons []string // substrings, in order
	}{
		{"healthy", HealthHealthy, nil},
		{"empty", HealthHealthy, nil},
		{"degraded", HealthDegraded, []string{
			"pool http score 58.7 (fair) is below 60",
			"[critical] database: The pool ran out of connections 1200 times",
			"[warning] database: Utilization 93.0%",
			"[warning] default: 28.1% of stores evict",
			"[warning] http: p95 acquire wait 150.5 ms",
			"2 potential leaks (file ×1, sqlite.conn ×1)",
		}},
		{"critical", HealthCritical, []string{
			"target orders (mysql) is unreachable: dial mysql://root:***@10.0.0.9:3306/app",
			"pool orders error rate 100.0% is above 5%",
			"pool database had an outage: no successful operation from second 1 to 3",
			"1 critical potential leak (idle_in_transaction ×1)",
			"pool orders score 30.0 (poor) is below 60",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r := Build(fixtureInput(t, tt.fixture))
			if r.OverallHealth != tt.health {
				t.Errorf("health = %q, want %q (reasons %q)", r.OverallHealth, tt.health, r.HealthReasons)
			}
			if len(r.HealthReasons) != len(tt.reasons) {
				t.Fatalf("reasons = %q, want %d of them", r.HealthReasons, len(tt.reasons))
			}
			for i, want := range tt.reasons {
				if !strings.Contains(r.HealthReasons[i], want) {
					t.Errorf("reason %d = %q, want it to contain %q", i, r.HealthReasons[i], want)
				}
			}
		})
	}
}

func fixtureInput(t *testing.T, name string) Input {
	t.Helper()
	for _, f := range fixtures {
		if f.name == name {
			return f.in()
		}
	}
	t.Fatalf("no fixture %q", name)
	return Input{}
}

func TestHealthRules(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Input)
		want string
	}{
		{"baseline", func(*Input) {}, HealthHealthy},
		{"unreachable target", func(in *Input) {
			in.Targets = append(in.Targets, Target{Name: "redis", Kind: "redis", URL: "redis://x", Reachable: false})
		}, HealthCritical},
		{"error rate 6 %", func(in *Input) {
			s := &in.Pools[0].Snapshot
			s.Errors.Operation = s.AcquireCount * 6 / 100
		}, HealthCritical},
		{"critical leak", func(in *Input) {
			in.Leaks = []resources.Leak{{Source: "database", Kind: "idle_in_transaction", Severity: resources.SeverityCritical}}
		}, HealthCritical},
		{"warning leak", func(in *Input) {
			in.Leaks = []resources.Leak{{Source: "tracker", Kind: "file", Severity: resources.SeverityWarning}}
		}, HealthDegraded},
		{"info leak", func(in *Input) {
			in.Leaks = []resources.Leak{{Source: "tracker", Kind: "file", Severity: resources.SeverityInfo, Resolved: true}}
		}, HealthDegraded},
		{"cache score below 60", func(in *Input) {
			// 60 × 0.6 + 20 × 0.9 + 20 = 74 → fine; make it 60 × 0.3 + 20 × 0.99 + 20 = 57.8
			st := &in.Caches[0].Stats
			st.HitRate, st.Hits, st.Misses = 0.3, 29, 70 // 99 gets: no recommendation yet, only the score
		}, HealthDegraded},
		{"warning recommendation only", func(in *Input) {
			in.Pools[0].Snapshot.Utilization = 0.92 // score 40×0.4+30+30 = 76: only the rule degrades
		}, HealthDegraded},
		{"info recommendation only", func(in *Input) {
			s := &in.Pools[0].Snapshot
			s.Utilization, s.MinSize = 0.19, 100 // lower_min is info; score 40×0.317+60 ≈ 72.7
		}, HealthHealthy},
		{"exhaustion (critical advice) degrades, not critical", func(in *Input) {
			in.Pools[0].Snapshot.Exhaustions = 10000
		}, HealthDegraded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := healthyInput()
			tt.mod(&in)
			r := Build(in)
			if r.OverallHealth != tt.want {
				t.Errorf("health = %q, want %q (reasons %q)", r.OverallHealth, tt.want, r.HealthReasons)
			}
			if (r.OverallHealth == HealthHealthy) != (len(r.HealthReasons) == 0) {
				t.Errorf("health %q with reasons %q: reasons must be empty exactly when healthy", r.OverallHealth, r.HealthReasons)
			}
		})
	}
}

func TestBuildFields(t *testing.T) {
	in := healthyInput()
	r := Build(in)

	if got, want := r.Timestamp, time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("timestamp = %v, want %v in UTC, whole seconds", got, want)
	}
	if r.SchemaVersion != 1 || r.DurationSeconds != 10 {
		t.Errorf("schema_version %d, duration %v; want 1, 10", r.SchemaVersion, r.DurationSeconds)
	}
	if got := r.Targets[0].URL; got != "postgres://app:***@db:5432/app" {
		t.Errorf("target url = %q, want it redacted", got)
	}
	p := r.Pools["database"]
	if p.Metrics.ThroughputPerS != 5400 {
		t.Errorf("throughput = %v, want the workload's 5400", p.Metrics.ThroughputPerS)
	}
	if p.Metrics.LatencyMs == nil || p.Metrics.LatencyMs.P99 != 4.9 {
		t.Errorf("latency_ms = %+v, want the workload's quantiles", p.Metrics.LatencyMs)
	}
	if p.EfficiencyScore != 100 || p.Rating != RatingExcellent {
		t.Errorf("pool score %v %q, want 100 excellent", p.EfficiencyScore, p.Rating)
	}
	c := r.Caches["default"]
	if c.EfficiencyScore != 91.1 || c.Rating != RatingExcellent { // 60×0.855 + 20×0.99 + 20 = 91.1
		t.Errorf("cache score %v %q, want 91.1 excellent", c.EfficiencyScore, c.Rating)
	}
	if c.Recommendations == nil || p.Recommendations == nil || r.Resources.PotentialLeaks == nil || r.HealthReasons == nil {
		t.Error("a slice is nil; JSON would show null instead of []")
	}
}

func TestBuildThroughputFallback(t *testing.T) {
	in := healthyInput()
	in.Pools[0].Throughput = 0
	in.Pools[0].Snapshot.Operations, in.Pools[0].Snapshot.Uptime = 1234, 2*time.Second
	if got := Build(in).Pools["database"].Metrics.ThroughputPerS; got != 617 {
		t.Errorf("throughput = %v, want operations / uptime = 617", got)
	}
}

func TestBuildRounding(t *testing.T) {
	in := healthyInput()
	in.Caches[0].Stats.HitRate = 2.0 / 3
	in.Pools[0].Snapshot.AcquireWaitMs.P95 = 0.123456789
	in.Pools[0].Snapshot.Utilization = 0.333333333
	r := Build(in)
	if got := r.Caches["default"].Metrics.HitRate; got != 0.6667 {
		t.Errorf("hit rate = %v, want 4 decimals", got)
	}
	if got := r.Pools["database"].Metrics.AcquireWaitMs.P95; got != 0.123 {
		t.Errorf("p95 = %v, want 3 decimals", got)
	}
	if got := r.Pools["database"].EfficiencyScore; got != 82.2 { // 40 × 0.5556 + 60 = 82.22
		t.Errorf("score = %v, want one decimal", got)
	}
}

// The wait distribution reaches PoolMetrics unrounded, for serve's
// Prometheus histogram, and stays out of the JSON.
func TestBuildKeepsWaitBuckets(t *testing.T) {
	in := healthyInput()
	b := []pools.Bucket{{UpperBoundSeconds: 0.0001, CumulativeCount: 7}, {UpperBoundSeconds: 10, CumulativeCount: 9}}
	s := &in.Pools[0].Snapshot
	s.AcquireWaitBuckets, s.AcquireWaitCount, s.AcquireWaitSumSeconds = b, 10, 0.123456789
	m := Build(in).Pools["database"].Metrics
	if !slices.Equal(m.AcquireWaitBuckets, b) || m.AcquireWaitCount != 10 || m.AcquireWaitSumSeconds != 0.123456789 {
		t.Errorf("wait distribution %+v, count %d, sum %v", m.AcquireWaitBuckets, m.AcquireWaitCount, m.AcquireWaitSumSeconds)
	}
	if js, err := json.Marshal(m); err != nil || bytes.Contains(js, []byte("Bucket")) || bytes.Contains(js, []byte("SumSeconds")) {
		t.Errorf("wait distribution in the JSON (err %v): %s", err, js)
	}
}

func TestBuildDuplicatePoolNames(t *testing.T) {
	in := healthyInput()
	in.Pools = append(in.Pools, in.Pools[0], in.Pools[0])
	got := Build(in).PoolNames()
	if want := []string{"database", "database#2", "database#3"}; !slices.Equal(got, want) {
		t.Errorf("pool names = %q, want %q", got, want)
	}
}

func TestLeaksFrom(t *testing.T) {
	created := time.Date(2026, 1, 15, 8, 0, 0, 123456789, time.FixedZone("X", 7200))
	leaks := []resources.Leak{
		{Source: "tracker", Kind: "file", ID: "2", Seconds: 100, Severity: resources.SeverityWarning},
		{Source: "tracker", Kind: "file", ID: "1", Seconds: 100, Severity: resources.SeverityWarning},
		{Source: "tracker", Kind: "conn", ID: "9", Lifetime: 90 * time.Minute, Severity: resources.SeverityWarning, Created: created},
		{Source: "database", Kind: "idle_in_transaction", ID: "77", Seconds: 5, Severity: resources.SeverityCritical,
			Evidence: map[string]string{"dsn": "postgres://u:pw@h/db"}},
		{Source: "tracker", Kind: "x", ID: "0", Seconds: 1e6, Severity: resources.SeverityInfo},
		{Source: "tracker", Kind: "y", ID: "5", Seconds: 1},                       // no severity: warning
		{Source: "tracker", Kind: "z", ID: "6", Seconds: 0.5, Severity: "urgent"}, // unknown: warning
	}
	got := LeaksFrom(leaks)
	var order []string
	for _, l := range got {
		order = append(order, l.Severity+":"+l.ID)
	}
	want := []string{"critical:77", "warning:9", "warning:1", "warning:2", "warning:5", "warning:6", "info:0"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order = %q, want %q", order, want)
	}
	if got[1].LifetimeSeconds != 5400 {
		t.Errorf("lifetime from Lifetime = %v, want 5400", got[1].LifetimeSeconds)
	}
	if c := got[1].Created; c.Location() != time.UTC || c.Nanosecond() != 123000000 {
		t.Errorf("created = %v, want UTC at millisecond precision", c)
	}
	if dsn := got[0].Evidence["dsn"]; strings.Contains(dsn, "pw") {
		t.Errorf("evidence dsn = %q, want the password redacted", dsn)
	}
	if LeaksFrom(nil) == nil {
		t.Error("LeaksFrom(nil) = nil, want an empty slice")
	}
}

func TestReportRecommendationsOrder(t *testing.T) {
	r := Build(degradedInput())
	var got []string
	for _, rec := range r.Recommendations() {
		got = append(got, rec.Severity+" "+rec.Subject+" "+rec.ID)
	}
	want := []string{
		"critical database pool.exhausted",
		"warning database pool.raise_max",
		"warning default cache.high_eviction_rate",
		"warning http pool.high_wait",
		"info default cache.low_hit_rate",
		"info default cache.memory_near_bound",
		"info redis pool.lower_min",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

func TestBuildPoolWithoutWorkloadLatency(t *testing.T) {
	in := Input{Now: fixtureNow, Pools: []PoolInput{{Snapshot: pools.Snapshot{Name: "p", Kind: "redis"}}}}
	if got := Build(in).Pools["p"].Metrics.LatencyMs; got != nil {
		t.Errorf("latency_ms = %+v, want nil when the workload did not measure it", got)
	}
}
