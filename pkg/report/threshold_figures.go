package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// The --threshold figures (docs/thresholds.md) of each command's result.
// Each threshold metric maps to one report field:
//
//	p50 p95 p99 max          connection_pools.*.metrics.latency_ms (absent when not measured)
//	acquire_p95 acquire_p99  connection_pools.*.metrics.acquire_wait_ms
//	error_rate               connection_pools.*.metrics.error_rate
//	throughput               connection_pools.*.metrics.throughput_per_s
//	utilization              pools: metrics.utilization; caches: the larger of item_ and byte_utilization (bounded caches only)
//	hit_rate eviction_rate   caches.*.metrics.hit_rate, eviction_rate
//	score                    efficiency_score
//
// A metric the source cannot compute (missing_metrics, observe mode) is
// absent, so a threshold on it fails rather than passing on a zero. A pool
// read from a target's own counters (observe mode) has no latency or
// throughput figures, and its acquire_p95 and acquire_p99 are the peak wait
// the source saw, an upper bound of both.

// Subjects are the report's caches and pools with their threshold figures,
// pools first, plus every target without a pool as a subject that is down.
func (r *Report) Subjects() []threshold.Subject {
	var out []threshold.Subject
	for _, n := range r.PoolNames() {
		out = append(out, poolSubject(n, r.Pools[n], r.Targets))
	}
	for _, n := range r.CacheNames() {
		out = append(out, cacheSubject(n, r.Caches[n]))
	}
	return append(out, downTargets(r.Targets, r.hasEntry)...)
}

// hasEntry reports whether a cache or pool belongs to the target: named
// after it, or "<target>/<name>" (observe mode).
func (r *Report) hasEntry(target string) bool {
	for _, names := range [][]string{r.PoolNames(), r.CacheNames()} {
		for _, n := range names {
			if n == target || strings.HasPrefix(n, target+"/") {
				return true
			}
		}
	}
	return false
}

func poolSubject(name string, p PoolEntry, targets []Target) threshold.Subject {
	s := threshold.Subject{Name: name, Kind: threshold.KindPool, Values: map[string]float64{}}
	m := p.Metrics
	if !m.Reachable {
		s.Down = "unreachable"
		for _, t := range targets {
			if t.Name == name && t.Error != "" {
				s.Down += ": " + t.Error
			}
		}
		return s
	}
	missing := func(metric string) bool { return slices.Contains(p.MissingMetrics, metric) }
	observed := p.Source != "" && p.Source != SourceEmbedded
	if l := m.LatencyMs; l != nil && !observed {
		s.Values["p50"], s.Values["p95"], s.Values["p99"], s.Values["max"] = l.P50, l.P95, l.P99, l.Max
	}
	switch {
	case missing(MetricAcquireWait):
	case observed:
		s.Values["acquire_p95"], s.Values["acquire_p99"] = m.AcquireWaitMs.Max, m.AcquireWaitMs.Max
	default:
		s.Values["acquire_p95"], s.Values["acquire_p99"] = m.AcquireWaitMs.P95, m.AcquireWaitMs.P99
	}
	if !missing(MetricErrorRate) {
		s.Values["error_rate"] = m.ErrorRate
	}
	if !missing(MetricUtilization) {
		s.Values["utilization"] = m.Utilization
	}
	if !observed {
		s.Values["throughput"] = m.ThroughputPerS
	}
	s.Values["score"] = p.EfficiencyScore
	return s
}

func cacheSubject(name string, c CacheEntry) threshold.Subject {
	s := threshold.Subject{Name: name, Kind: threshold.KindCache, Values: map[string]float64{"score": c.EfficiencyScore}}
	m := c.Metrics
	if !slices.Contains(c.MissingMetrics, MetricHitRate) {
		s.Values["hit_rate"] = m.HitRate
	}
	if !slices.Contains(c.MissingMetrics, MetricEvictionRate) {
		s.Values["eviction_rate"] = m.EvictionRate
	}
	if m.MaxItems > 0 || m.MaxBytes > 0 {
		s.Values["utilization"] = max(m.ItemUtilization, m.ByteUtilization)
	}
	return s
}

// downTargets are the targets with no cache or pool (has reports false
// for their name) because they were unreachable or failed at the start.
func downTargets(targets []Target, has func(string) bool) []threshold.Subject {
	var out []threshold.Subject
	for _, t := range targets {
		if has(t.Name) || (t.Reachable && t.Error == "") {
			continue
		}
		why := "unreachable"
		if t.Reachable {
			why = "failed at the start"
		}
		if t.Error != "" {
			why += ": " + t.Error
		}
		out = append(out, threshold.Subject{Name: t.Name, Kind: threshold.KindPool, Down: why})
	}
	return out
}

// Subjects are the swept pools with the figures of the sweep step at the
// recommended max size (the size to configure; when the server's limit
// capped it below every measured size but one, the largest measured size
// under it): p50, p99, throughput, error_rate and utilization from that
// step, acquire_p99 from the wait check at that size at the expected rate
// (the step's when it was not checked). A pool with no recommendation, or a
// target not swept, is down.
func (s *Sizing) Subjects() []threshold.Subject {
	var out []threshold.Subject
	for _, n := range s.PoolNames() {
		out = append(out, sizingSubject(n, s.Pools[n]))
	}
	return append(out, downTargets(s.Targets, func(name string) bool { _, ok := s.Pools[name]; return ok })...)
}

func sizingSubject(name string, p SizingPool) threshold.Subject {
	sub := threshold.Subject{Name: name, Kind: threshold.KindPool, Values: map[string]float64{}}
	rec := p.Recommendation
	if rec == nil {
		sub.Down = "no recommendation (" + p.StopReason + ")"
		return sub
	}
	st, ok := stepAtMost(p.Steps, rec.Max)
	if !ok {
		sub.Down = fmt.Sprintf("no size up to the recommended max %d was measured", rec.Max)
		return sub
	}
	sub.Values["p50"], sub.Values["p99"] = st.LatencyP50Ms, st.LatencyP99Ms
	sub.Values["throughput"], sub.Values["error_rate"], sub.Values["utilization"] = st.Throughput, st.ErrorRate, st.Utilization
	sub.Values["acquire_p99"] = st.AcquireWaitP99Ms
	for _, c := range p.Checks {
		if c.Size == st.Size {
			sub.Values["acquire_p99"] = c.AcquireWaitP99Ms
		}
	}
	return sub
}

// stepAtMost is the measured step of the largest size up to max.
func stepAtMost(steps []sizing.Step, max int) (sizing.Step, bool) {
	var best sizing.Step
	found := false
	for _, st := range steps {
		if st.Error == "" && st.Refused == "" && st.Size <= max && (!found || st.Size > best.Size) {
			best, found = st, true
		}
	}
	return best, found
}

// CheckThresholds evaluates ts on the report's final figures and keeps the
// results for the output; it returns them.
func (r *Report) CheckThresholds(ts []threshold.Threshold) []threshold.Result {
	if len(ts) > 0 {
		r.Thresholds = threshold.Evaluate(ts, r.Subjects())
	}
	return r.Thresholds
}

// CheckThresholds evaluates ts on the sweep's figures (see Subjects) and
// keeps the results for the output; it returns them.
func (s *Sizing) CheckThresholds(ts []threshold.Threshold) []threshold.Result {
	if len(ts) > 0 {
		s.Thresholds = threshold.Evaluate(ts, s.Subjects())
	}
	return s.Thresholds
}

// ThresholdsTable lists each threshold checked: the expression, the cache
// or pool, its value (or why it has none) and whether it held; nil when
// there were none.
func ThresholdsTable(rs []threshold.Result) *output.Table {
	if len(rs) == 0 {
		return nil
	}
	t := output.NewTable("Thresholds", output.Wrapped("threshold", 16), output.Col("subject"),
		output.Wrapped("value", 16), output.Col("result"))
	for _, r := range rs {
		res := output.T(output.Good, "ok")
		if !r.OK {
			res = output.T(output.Bad, "FAILED")
		}
		t.Row(output.Code(r.Expr), output.S(r.Subject), output.S(r.Shown()), res)
	}
	return t
}
