package report

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/cache/sim"
)

// Simulation is what `resync cache simulate` prints: the hit-rate curve of
// a trace or synthetic workload, each capacity scored and advised as a real
// cache of that size would be, and the capacity a target hit rate needs.
type Simulation struct {
	SchemaVersion     int     `json:"schema_version"`
	Source            string  `json:"source"`
	Requests          int     `json:"requests"`
	DistinctKeys      int     `json:"distinct_keys"`
	Method            string  `json:"method"`
	TTLSeconds        float64 `json:"ttl_seconds"` // 0: no expiry
	RatePerSecond     float64 `json:"rate_per_second,omitempty"`
	MaxHitRate        float64 `json:"max_hit_rate"`
	TargetHitRate     float64 `json:"target_hit_rate"`
	CapacityForTarget int     `json:"capacity_for_target"` // 0: not reached
	CapacityExact     bool    `json:"capacity_exact"`
	Partial           bool    `json:"partial,omitempty"` // interrupted: the capacities finished so far
	// Sampling is set when the LRU curve is a SHARDS estimate (Method
	// lru-shards): optimal_hit_rate is then not computed (0).
	Sampling *Sampling         `json:"sampling,omitempty"`
	Points   []SimulationPoint `json:"points"`
}

// Sampling describes a SHARDS estimate.
type Sampling struct {
	Kind        string  `json:"kind"` // fixed-rate | fixed-size
	Rate        float64 `json:"rate"` // the final sampling rate, 0–1
	SampledKeys int     `json:"sampled_keys"`
	MaxKeys     int     `json:"max_keys,omitempty"` // fixed-size: the bound
	Reason      string  `json:"reason"`             // why it sampled
}

// SimulationPoint is one simulated capacity, scored.
type SimulationPoint struct {
	sim.Point
	EfficiencyScore float64          `json:"efficiency_score"`
	Rating          string           `json:"rating"`
	Recommendations []Recommendation `json:"recommendations"`
	// HitRateStdErr is the standard error of a sampled hit_rate (0–1).
	HitRateStdErr float64 `json:"hit_rate_stderr,omitempty"`
}

// BuildSimulation scores each capacity and applies the cache rules to it.
// rate matters only with a TTL (requests per second of simulated time).
func BuildSimulation(source string, ttl time.Duration, rate float64, res *sim.Result) *Simulation {
	out := &Simulation{
		SchemaVersion: SchemaVersion, Source: source, Requests: res.Requests, DistinctKeys: res.DistinctKeys,
		Method: res.Method, TTLSeconds: ttl.Seconds(), MaxHitRate: res.MaxHitRate,
		TargetHitRate: res.TargetHitRate, CapacityForTarget: res.CapacityForTarget, CapacityExact: res.CapacityExact,
		Partial: res.Partial, Points: []SimulationPoint{},
	}
	if ttl > 0 {
		out.RatePerSecond = rate
	}
	advice := CacheAdvice{CapacityForTarget: res.CapacityForTarget, TargetHitRate: res.TargetHitRate}
	for _, p := range res.Points {
		st := simulatedStats(p, res.DistinctKeys)
		score := round(CacheScore(CacheInputs{HitRate: st.HitRate, EvictionRate: st.EvictionRate}), 1)
		out.Points = append(out.Points, SimulationPoint{
			Point:           p,
			EfficiencyScore: score,
			Rating:          Rating(score),
			Recommendations: simulationAdvice(CacheRecommendations(fmt.Sprintf("capacity %d", p.Capacity), st, advice), p, res),
		})
	}
	return out
}

// BuildSampledSimulation is BuildSimulation for a SHARDS estimate: the
// same scores and advice from the estimated curve, each hit rate with its
// standard error, no optimum.
func BuildSampledSimulation(source string, res *sim.SampleResult, sampling Sampling) *Simulation {
	out := BuildSimulation(source, 0, 0, &res.Result)
	sampling.Rate, sampling.SampledKeys = res.Rate, res.SampledKeys
	out.Sampling = &sampling
	for i := range out.Points {
		out.Points[i].HitRateStdErr = res.StdErr[i]
	}
	return out
}

// nearBest is how close to the best hit rate any cache reaches on the trace
// (an unbounded one: each key misses once) a capacity's hit rate must be
// for capacity advice to stay silent: 0.5 point.
const nearBest = 0.005

// simulationAdvice turns the cache rules' output for one simulated
// capacity into at most one capacity recommendation, as a reader of the
// table expects one line per row:
//   - none when more capacity cannot help: the capacity already holds every
//     distinct key, or its hit rate is within 0.5 point of the unbounded
//     cache's (the misses left are first accesses, and the evictions those
//     of keys never asked for again);
//   - otherwise the low-hit-rate and high-eviction findings merge into one,
//     at the higher severity, with a single ASYNC_CACHE_MAX_ITEMS: the
//     capacity the curve says reaches the target when it is larger, else
//     double, never more than the trace's distinct keys.
//
// Other rules (the memory bound) pass through unchanged.
func simulationAdvice(recs []Recommendation, p sim.Point, res *sim.Result) []Recommendation {
	var capRecs []Recommendation
	out := []Recommendation{}
	for _, r := range recs {
		if r.ID == RuleCacheLowHitRate || r.ID == RuleCacheHighEviction {
			capRecs = append(capRecs, r)
		} else {
			out = append(out, r)
		}
	}
	if len(capRecs) == 0 || p.Capacity >= res.DistinctKeys || p.HitRate >= res.MaxHitRate-nearBest {
		return out
	}
	n := 2 * p.Capacity
	if res.CapacityForTarget > p.Capacity {
		n = res.CapacityForTarget
	}
	n = min(n, res.DistinctKeys)
	one := capRecs[0]
	one.Evidence = maps.Clone(one.Evidence)
	for _, r := range capRecs[1:] {
		if r.Severity == SeverityWarning {
			one.Severity = SeverityWarning
		}
		one.Message += " " + r.Message
		maps.Copy(one.Evidence, r.Evidence)
	}
	one.Suggestion = fmt.Sprintf("ASYNC_CACHE_MAX_ITEMS=%d", n)
	one.Evidence["suggested_max_items"] = float64(n)
	return append([]Recommendation{one}, out...)
}

// simulatedStats are the cache.Stats a cache of that capacity would report
// after the replay. There is no byte bound in a simulation.
func simulatedStats(p sim.Point, distinct int) cache.Stats {
	st := cache.Stats{
		Hits: uint64(p.Hits), Misses: uint64(p.Misses), Sets: uint64(p.Sets),
		Evictions: uint64(p.Evictions), Expirations: uint64(p.Expirations),
		HitRate: p.HitRate, EvictionRate: p.EvictionRate,
		Items: min(p.Capacity, distinct), MaxItems: p.Capacity,
	}
	if gets := p.Hits + p.Misses; gets > 0 {
		st.MissRate = float64(p.Misses) / float64(gets)
	}
	if st.MaxItems > 0 {
		st.ItemUtilization = float64(st.Items) / float64(st.MaxItems)
	}
	return st
}

// Summary says what was simulated and what capacity the target needs.
func (s *Simulation) summary() []string {
	lines := []string{fmt.Sprintf("%s · %s requests · %s distinct keys", s.Source,
		output.Thousands(int64(s.Requests)), output.Thousands(int64(s.DistinctKeys)))}
	switch {
	case s.Sampling != nil:
		lines = append(lines, fmt.Sprintf("LRU hit rates: SHARDS estimate from %s sampled keys (%s, rate %.4g), ± one standard error; %s",
			output.Thousands(int64(s.Sampling.SampledKeys)), s.Sampling.Kind, s.Sampling.Rate, s.Sampling.Reason),
			"No optimal hit rate: it needs the whole trace (--exact)")
	case s.Method == sim.MethodStack:
		lines = append(lines, "LRU hit rates: exact, all capacities in one pass; no TTL")
	default:
		lines = append(lines, fmt.Sprintf("LRU hit rates: replayed through resync's cache; TTL %gs at %g requests/s",
			s.TTLSeconds, s.RatePerSecond))
	}
	target := "Target " + output.Percent(s.TargetHitRate) + ": "
	switch {
	case s.CapacityForTarget > 0 && s.Sampling != nil:
		target += "reached at about " + output.Thousands(int64(s.CapacityForTarget)) + " items (the smallest evaluated capacity that does, estimated)"
	case s.CapacityForTarget > 0 && s.CapacityExact:
		target += "reached at " + output.Thousands(int64(s.CapacityForTarget)) + " items (the smallest capacity that does)"
	case s.CapacityForTarget > 0:
		target += "reached at " + output.Thousands(int64(s.CapacityForTarget)) + " items (the smallest evaluated capacity that does)"
	case s.Method == sim.MethodStack:
		target += "not reachable: even an unbounded cache hits " + output.Percent(s.MaxHitRate) + " (each key misses once)"
	default:
		target += "not reached at any evaluated capacity: try larger capacities or a longer TTL"
	}
	return append(lines, target)
}

// Doc presents the simulation: what ran, the capacities table, the
// hit-rate curve against the optimal one and the target, and each
// capacity's recommendations.
func (s *Simulation) Doc() *output.Doc {
	sum := s.summary()
	title := output.S("resync cache simulate · " + sum[0])
	if s.Partial {
		title = append(title, output.Span{Text: " · "}, output.Span{Text: "PARTIAL (interrupted)", Tone: output.Notice})
	}
	d := &output.Doc{Title: title}
	d.Add(output.Para{Text: output.S(strings.Join(sum[1:], "\n"))})
	// The other policies asked for: the same in every point.
	var policies []string
	if len(s.Points) > 0 {
		for _, p := range s.Points[0].Policies {
			policies = append(policies, p.Policy)
		}
	}
	hitRate := "hit rate"
	if len(policies) > 0 {
		hitRate = "LRU"
	}
	cols := []output.Column{output.Num("capacity"), output.Num(hitRate)}
	series := []output.Series{{Name: "LRU"}}
	for _, p := range policies {
		cols = append(cols, output.Num(policyTitle(p)))
		series = append(series, output.Series{Name: policyTitle(p)})
	}
	if s.Sampling == nil {
		cols = append(cols, output.Num("optimal"))
		series = append(series, output.Series{Name: "optimal"})
	}
	cols = append(cols, output.Num("eviction\nrate"), output.Col("score"),
		output.Wrapped("advice", 16).AsDetail()) // advice repeats the recommendations table: a detail column
	t := output.NewTable("", cols...)
	curve := &output.Chart{Title: "Hit-rate curve", Kind: output.Bars, Unit: "%", YLabel: "hit rate"}
	for _, pt := range s.Points {
		label := output.Thousands(int64(pt.Capacity))
		rates := []float64{pt.HitRate}
		for _, p := range pt.Policies {
			rates = append(rates, p.HitRate)
		}
		if s.Sampling == nil {
			rates = append(rates, pt.OptimalHitRate)
		}
		row := []output.Spans{output.S(label)}
		for i, r := range rates {
			cell := output.Percent(r)
			if i == 0 && s.Sampling != nil {
				cell += fmt.Sprintf(" ±%.1f", 100*pt.HitRateStdErr)
			}
			row = append(row, output.S(cell))
			series[i].Points = append(series[i].Points, output.Point{X: float64(pt.Capacity), Y: r, Label: label, Text: output.Percent(r)})
		}
		row = append(row, output.S(output.Percent(pt.EvictionRate)), scoreCell(pt.EfficiencyScore, pt.Rating),
			output.Code(advice(pt.Recommendations)))
		t.Row(row...)
	}
	// In text the bars draw the first two series (LRU, and what the optimum
	// adds); the other policies follow as values.
	if last := len(series) - 1; s.Sampling == nil {
		curve.Series = append([]output.Series{series[0], series[last]}, series[1:last]...)
	} else {
		curve.Series = series // no optimum to draw
	}
	curve.Marks = []output.Mark{{Value: s.TargetHitRate, Label: "target " + output.Percent(s.TargetHitRate)}}
	d.Add(t, curve)
	recs := output.NewTable("Recommendations", output.Num("capacity"), output.Col("severity"), output.Wrapped("message", 24),
		output.Wrapped("suggestion", 14))
	for _, pt := range s.Points {
		for _, r := range pt.Recommendations {
			recs.Row(output.S(output.Thousands(int64(pt.Capacity))), output.Severity(r.Severity), output.S(r.Message), output.Code(r.Suggestion))
		}
	}
	d.Add(recs)
	return d
}

// advice is the distinct suggestions of a capacity's recommendations.
func advice(recs []Recommendation) string {
	seen := map[string]bool{}
	var parts []string
	for _, r := range recs {
		if !seen[r.Suggestion] {
			seen[r.Suggestion] = true
			parts = append(parts, r.Suggestion)
		}
	}
	if len(parts) == 0 {
		return output.Dash
	}
	return strings.Join(parts, ", ")
}

// policyTitle is how tables and charts name a policy.
func policyTitle(name string) string {
	switch name {
	case sim.PolicySIEVE:
		return "SIEVE"
	case sim.PolicyS3FIFO:
		return "S3-FIFO"
	case sim.PolicyARC:
		return "ARC"
	case sim.PolicyWTinyLFU:
		return "W-TinyLFU"
	}
	return strings.ToUpper(name)
}
