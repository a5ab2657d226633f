package report

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/cache/sim"
)

// TestSimulationAdvice: one capacity recommendation per simulated
// capacity at most, never beyond the trace's distinct keys, silent where
// capacity cannot help.
func TestSimulationAdvice(t *testing.T) {
	// 10,000 gets over 2,000 distinct keys: an unbounded cache hits 80 %.
	res := &sim.Result{Requests: 10000, DistinctKeys: 2000, MaxHitRate: 0.8, TargetHitRate: 0.7, CapacityForTarget: 1500}
	point := func(capacity int, hitRate, evictionRate float64) sim.Point {
		hits := int64(hitRate * 10000)
		return sim.Point{Capacity: capacity, Hits: hits, Misses: 10000 - hits, Sets: 10000 - hits,
			HitRate: hitRate, EvictionRate: evictionRate, Evictions: int64(evictionRate * float64(10000-hits))}
	}
	tests := []struct {
		name       string
		point      sim.Point
		res        *sim.Result
		want       string // the one suggestion; "" means no recommendation
		severity   string
		messageHas []string
	}{
		{"low hit rate and evictions merge into one, the curve's capacity", point(500, 0.4, 0.9), res,
			"ASYNC_CACHE_MAX_ITEMS=1500", SeverityWarning, []string{"Hit rate 40.0%", "90.0% of stores evict"}},
		{"target reached, evictions: double", point(1600, 0.75, 0.2), res, "ASYNC_CACHE_MAX_ITEMS=2000", SeverityWarning, nil},
		{"double capped at the distinct keys", point(1900, 0.78, 0.2), res, "ASYNC_CACHE_MAX_ITEMS=2000", SeverityWarning, nil},
		{"within half a point of the unbounded cache: silent", point(1800, 0.796, 0.5), res, "", "", nil},
		{"every distinct key fits: silent", point(2000, 0.7, 0.3), res, "", "", nil},
		{"target unreachable, below it: double", point(100, 0.3, 0.95),
			&sim.Result{Requests: 10000, DistinctKeys: 9000, MaxHitRate: 0.1 + 0.3, TargetHitRate: 0.7},
			"ASYNC_CACHE_MAX_ITEMS=200", SeverityWarning, nil},
		{"no finding", point(1600, 0.75, 0.05), res, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := BuildSimulation("test", 0, 0, &sim.Result{Requests: tt.res.Requests, DistinctKeys: tt.res.DistinctKeys,
				MaxHitRate: tt.res.MaxHitRate, TargetHitRate: tt.res.TargetHitRate, CapacityForTarget: tt.res.CapacityForTarget,
				Method: sim.MethodStack, Points: []sim.Point{tt.point}})
			recs := s.Points[0].Recommendations
			if tt.want == "" {
				if len(recs) != 0 {
					t.Fatalf("recommendations %+v, want none", recs)
				}
				return
			}
			if len(recs) != 1 {
				t.Fatalf("%d recommendations %+v, want one", len(recs), recs)
			}
			r := recs[0]
			if r.Suggestion != tt.want || r.Severity != tt.severity {
				t.Errorf("got %s %q, want %s %q", r.Severity, r.Suggestion, tt.severity, tt.want)
			}
			for _, m := range tt.messageHas {
				if !strings.Contains(r.Message, m) {
					t.Errorf("message %q lacks %q", r.Message, m)
				}
			}
		})
	}
}
