package report

import (
	"reflect"
	"testing"

	"github.com/resync-dev/resync/pkg/pools"
)

func TestEnvPrefix(t *testing.T) {
	tests := map[string]string{
		"postgres": PrefixDB, "postgresql": PrefixDB, "mysql": PrefixDB, "sqlite": PrefixDB,
		"redis": PrefixRedis, "rediss": PrefixRedis,
		"http": PrefixHTTP, "https": PrefixHTTP, "HTTP": PrefixHTTP,
		"mongodb": "", "": "",
	}
	for kind, want := range tests {
		if got := EnvPrefix(kind); got != want {
			t.Errorf("EnvPrefix(%q) = %q, want %q", kind, got, want)
		}
	}
}

// basePool is a healthy, well-sized pool: no rule fires on it.
func basePool() pools.Snapshot {
	return pools.Snapshot{
		Name: "database", Kind: "postgres", MinSize: 10, MaxSize: 40,
		AcquireCount: 10000, Utilization: 0.7, PeakUtilization: 0.85,
		AcquireWaitMs: pools.Quantiles{P50: 0.1, P95: 2, P99: 5, Max: 20, Mean: 0.3},
		Reachable:     true,
	}
}

// brief is what a test checks of one recommendation.
type brief struct{ ID, Severity, Suggestion string }

func briefs(recs []Recommendation) []brief {
	out := []brief{}
	for _, r := range recs {
		out = append(out, brief{r.ID, r.Severity, r.Suggestion})
	}
	return out
}

func TestPoolRecommendations(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		mod    func(*pools.Snapshot)
		want   []brief
	}{
		{"healthy pool: nothing", PrefixDB, func(*pools.Snapshot) {}, nil},

		// utilization > 90 % → raise max to ⌈max × peak / 0.7⌉
		{"utilization exactly 90 %: silent", PrefixDB, func(s *pools.Snapshot) { s.Utilization = 0.9 }, nil},
		{"utilization 91 %: raise max", PrefixDB, func(s *pools.Snapshot) { s.Utilization, s.PeakUtilization = 0.91, 0.98 },
			[]brief{{RulePoolRaiseMax, SeverityWarning, "DB_POOL_MAX_SIZE=56"}}}, // ⌈40 × 0.98 / 0.7⌉ = 56
		{"utilization high but no acquires: silent", PrefixDB, func(s *pools.Snapshot) { s.Utilization, s.AcquireCount = 0.95, 0 }, nil},
		{"raise max is at least max+1", PrefixRedis, func(s *pools.Snapshot) {
			s.MaxSize, s.Utilization, s.PeakUtilization = 1, 0.95, 0.95
		}, []brief{{RulePoolRaiseMax, SeverityWarning, "REDIS_POOL_MAX_SIZE=2"}}},

		// utilization < 20 % → lower min to ⌈max × util / 0.7⌉ when below min
		{"utilization exactly 20 %: silent", PrefixDB, func(s *pools.Snapshot) { s.Utilization = 0.2 }, nil},
		{"utilization 10 %: lower min", PrefixHTTP, func(s *pools.Snapshot) { s.Utilization = 0.1 },
			[]brief{{RulePoolLowerMin, SeverityInfo, "HTTP_POOL_MIN_SIZE=6"}}}, // ⌈40 × 0.1 / 0.7⌉ = 6 < 10
		{"utilization low but min already small: silent", PrefixDB, func(s *pools.Snapshot) {
			s.Utilization, s.MinSize = 0.1, 6
		}, nil},
		{"idle pool with min 5: lower to 1", PrefixDB, func(s *pools.Snapshot) { s.Utilization, s.MinSize = 0.001, 5 },
			[]brief{{RulePoolLowerMin, SeverityInfo, "DB_POOL_MIN_SIZE=1"}}},

		// p95 wait > 100 ms
		{"p95 wait exactly 100 ms: silent", PrefixDB, func(s *pools.Snapshot) { s.AcquireWaitMs.P95 = 100 }, nil},
		{"p95 wait 150 ms below max: raise min", PrefixDB, func(s *pools.Snapshot) { s.AcquireWaitMs.P95 = 150 },
			[]brief{{RulePoolHighWait, SeverityWarning, "DB_POOL_MIN_SIZE=34"}}}, // ⌈40 × 0.85⌉
		{"p95 wait 150 ms at max: raise max", PrefixDB, func(s *pools.Snapshot) {
			s.AcquireWaitMs.P95, s.PeakUtilization = 150, 1
		}, []brief{{RulePoolHighWait, SeverityWarning, "DB_POOL_MAX_SIZE=58"}}}, // ⌈40 / 0.7⌉
		{"p95 wait with min = max: raise max", PrefixDB, func(s *pools.Snapshot) {
			s.AcquireWaitMs.P95, s.MinSize = 150, 40
		}, []brief{{RulePoolHighWait, SeverityWarning, "DB_POOL_MAX_SIZE=49"}}}, // ⌈40 × 0.85 / 0.7⌉

		// error rate > 5 % → critical
		{"error rate exactly 5 %: silent", PrefixDB, func(s *pools.Snapshot) {
			s.AcquireCount, s.Errors.Operation = 1000, 50
		}, nil},
		{"error rate 6 %: critical", PrefixDB, func(s *pools.Snapshot) {
			s.AcquireCount, s.Errors.Operation = 1000, 60
		}, []brief{{RulePoolErrors, SeverityCritical, "check the server's logs and the operation: it fails on healthy connections"}}},
		{"unreachable: dial errors only", PrefixDB, func(s *pools.Snapshot) {
			s.AcquireCount, s.Errors.Dial, s.Utilization = 0, 12, 0
		}, []brief{{RulePoolErrors, SeverityCritical, "check that the server is up and accepts connections; a slow server needs a larger DB_POOL_CONNECT_TIMEOUT"}}},
		{"health checks failing", PrefixRedis, func(s *pools.Snapshot) {
			s.AcquireCount, s.Errors.HealthCheck = 100, 30
		}, []brief{{RulePoolErrors, SeverityCritical, "check the server and network: idle connections fail validation; a shorter REDIS_POOL_IDLE_TIMEOUT drops them sooner"}}},

		// exhaustions: critical at ≥ 1 % of acquires, warning below
		{"one exhaustion in 10000: warning", PrefixDB, func(s *pools.Snapshot) { s.Exhaustions = 1 },
			[]brief{{RulePoolExhausted, SeverityWarning, "DB_POOL_MAX_SIZE=58"}}},
		{"99 in 10000: warning", PrefixDB, func(s *pools.Snapshot) { s.Exhaustions = 99 },
			[]brief{{RulePoolExhausted, SeverityWarning, "DB_POOL_MAX_SIZE=58"}}},
		{"100 in 10000 (1 %): critical", PrefixDB, func(s *pools.Snapshot) { s.Exhaustions = 100 },
			[]brief{{RulePoolExhausted, SeverityCritical, "DB_POOL_MAX_SIZE=58"}}},

		{"unknown kind: bare setting names", "", func(s *pools.Snapshot) { s.Exhaustions = 500 },
			[]brief{{RulePoolExhausted, SeverityCritical, "MAX_SIZE=58"}}},

		{"everything at once, in rule order", PrefixDB, func(s *pools.Snapshot) {
			s.Utilization, s.PeakUtilization = 0.95, 1
			s.AcquireWaitMs.P95 = 300
			s.Errors.Operation = 1000
			s.Exhaustions = 2000
		}, []brief{
			{RulePoolRaiseMax, SeverityWarning, "DB_POOL_MAX_SIZE=58"},
			{RulePoolHighWait, SeverityWarning, "DB_POOL_MAX_SIZE=58"},
			{RulePoolErrors, SeverityCritical, "check the server's logs and the operation: it fails on healthy connections"},
			{RulePoolExhausted, SeverityCritical, "DB_POOL_MAX_SIZE=58"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := basePool()
			tt.mod(&s)
			recs := PoolRecommendations(s, tt.prefix)
			if recs == nil {
				t.Fatal("PoolRecommendations returned nil, want a non-nil slice")
			}
			want := tt.want
			if want == nil {
				want = []brief{}
			}
			if got := briefs(recs); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			for _, r := range recs {
				if r.Subject != s.Name || r.Message == "" || len(r.Evidence) == 0 {
					t.Errorf("%s: subject %q, message %q, evidence %v: want all set", r.ID, r.Subject, r.Message, r.Evidence)
				}
			}
		})
	}
}

func TestPoolRecommendationsEvidence(t *testing.T) {
	s := basePool()
	s.Exhaustions, s.PeakWaiting = 250, 7
	recs := PoolRecommendations(s, PrefixDB)
	if len(recs) != 1 {
		t.Fatalf("got %d recommendations, want 1", len(recs))
	}
	want := map[string]float64{
		"exhaustions": 250, "acquires": 10000, "exhaustion_ratio": 0.025, "peak_waiting": 7, "max_size": 40,
	}
	if !reflect.DeepEqual(recs[0].Evidence, want) {
		t.Errorf("evidence = %v, want %v", recs[0].Evidence, want)
	}
}
