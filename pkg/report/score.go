// Package report turns snapshots of caches, pools and resources into scores,
// recommendations and an overall health, and renders the result.
package report

import (
	"fmt"
	"slices"
	"strings"
)

// Rating bands for a 0–100 score.
const (
	RatingExcellent = "excellent" // 80–100
	RatingGood      = "good"      // 60–79
	RatingFair      = "fair"      // 40–59
	RatingPoor      = "poor"      // 0–39
	// RatingNoTraffic is an observed cache or pool that saw no traffic in
	// the window (no reads, writes or connections): it is not scored, and
	// its efficiency_score of 0 is no finding.
	RatingNoTraffic = "no traffic"
)

// Rating names the band a score falls in.
func Rating(score float64) string {
	switch {
	case score >= 80:
		return RatingExcellent
	case score >= 60:
		return RatingGood
	case score >= 40:
		return RatingFair
	default:
		return RatingPoor
	}
}

// CacheInputs are the three ratios the cache score is made of.
type CacheInputs struct {
	HitRate         float64 // hits / gets, 0–1
	EvictionRate    float64 // capacity evictions / sets, 0–1
	ByteUtilization float64 // estimated bytes / byte bound, 0–1 (0 when unbounded)
}

// CacheScore is
//
//	60 × hit rate + 20 × (1 − eviction rate) + 20 × memory efficiency
//
// where memory efficiency is 1 while the estimated bytes are at most 80 % of
// the byte bound, falling linearly to 0 at 100 %.
func CacheScore(in CacheInputs) float64 {
	return 60*clamp01(in.HitRate) + 20*(1-clamp01(in.EvictionRate)) + 20*MemoryEfficiency(in.ByteUtilization)
}

// MemoryEfficiency is 1 up to 80 % of the byte bound, 0 at 100 %, linear between.
func MemoryEfficiency(byteUtilization float64) float64 {
	return clamp01((1 - byteUtilization) / 0.2)
}

// PoolInputs are the three measurements the pool score is made of.
type PoolInputs struct {
	Utilization float64 // time-weighted in-use / max over the run, 0–1
	WaitP95Ms   float64 // p95 acquire wait in milliseconds
	ErrorRate   float64 // errors / acquire attempts, 0–1
	// Ceiling marks a server's connection limit (max_connections,
	// maxclients) rather than a client pool: an idle server is not an
	// oversized pool, so only the high side of utilization counts
	// (CeilingScore). PoolScore ignores it; PoolScorePartial uses it.
	Ceiling bool
}

// PoolScore is
//
//	40 × utilization score + 30 × wait score + 30 × error score
//
// Utilization score: 1 inside 60–80 %, falling linearly to 0 at 0 % and at
// 100 %. Wait score: 1 at p95 acquire wait ≤ 10 ms, 0 at ≥ 100 ms, linear
// between. Error score: 1 − min(1, error rate / 5 %).
func PoolScore(in PoolInputs) float64 {
	return 40*UtilizationScore(in.Utilization) + 30*WaitScore(in.WaitP95Ms) + 30*ErrorScore(in.ErrorRate)
}

// UtilizationScore is 1 in [0.6, 0.8], linear to 0 at 0 and at 1.
func UtilizationScore(u float64) float64 {
	u = clamp01(u)
	switch {
	case u < 0.6:
		return u / 0.6
	case u <= 0.8:
		return 1
	default:
		return (1 - u) / 0.2
	}
}

// WaitScore is 1 at ≤ 10 ms, 0 at ≥ 100 ms, linear between.
func WaitScore(p95Ms float64) float64 { return clamp01((100 - p95Ms) / 90) }

// ErrorScore is 1 − min(1, rate / 0.05).
func ErrorScore(rate float64) float64 { return 1 - clamp01(rate/0.05) }

func clamp01(x float64) float64 {
	switch {
	case x != x || x < 0: // NaN counts as 0
		return 0
	case x > 1:
		return 1
	default:
		return x
	}
}

// The spec metrics a score is made of, as named in a cache's or pool's
// missing_metrics when its source cannot compute them.
const (
	MetricHitRate          = "hit_rate"          // cache, weight 60
	MetricEvictionRate     = "eviction_rate"     // cache, weight 20
	MetricMemoryEfficiency = "memory_efficiency" // cache, weight 20
	MetricUtilization      = "utilization"       // pool, weight 40
	MetricAcquireWait      = "acquire_wait"      // pool, weight 30
	MetricErrorRate        = "error_rate"        // pool, weight 30
)

// notScored starts the note of a score none of whose parts is known;
// noTrafficNote is the note of an entry that saw no traffic. Both begin
// with unscoredPrefix.
const (
	unscoredPrefix = "not scored: "
	notScored      = unscoredPrefix + "the source gives none of "
	noTrafficNote  = unscoredPrefix + "no traffic in the observed window"
)

// scorePart is one weighted term of a score.
type scorePart struct {
	metric string
	weight float64
	value  float64 // 0–1
}

// partialScore is Σ weight × value over the parts whose metric is not in
// missing, divided by the sum of those weights (×100): the remaining weights
// renormalised to 100. note says which parts were left out and the weights
// used; it is "" when nothing is missing. With every part missing the score
// is 0 and the note says so.
func partialScore(parts []scorePart, missing []string) (score float64, note string) {
	var sum, weights float64
	var left, used []string
	for _, p := range parts {
		if slices.Contains(missing, p.metric) {
			left = append(left, p.metric)
			continue
		}
		sum += p.weight * p.value
		weights += p.weight
		used = append(used, p.metric)
	}
	if len(left) == 0 {
		return sum, ""
	}
	if weights == 0 {
		return 0, notScored + strings.Join(left, ", ")
	}
	var w []string
	for _, p := range parts {
		if slices.Contains(used, p.metric) {
			w = append(w, fmt.Sprintf("%s %g", p.metric, round(100*p.weight/weights, 1)))
		}
	}
	return 100 * sum / weights, fmt.Sprintf("scored without %s (not available from the source); weights renormalised to %s",
		strings.Join(left, ", "), strings.Join(w, ", "))
}

// CacheScorePartial is CacheScore over the parts the source can compute:
// the weights of the missing ones are spread over the others in proportion.
func CacheScorePartial(in CacheInputs, missing []string) (float64, string) {
	return partialScore([]scorePart{
		{MetricHitRate, 60, clamp01(in.HitRate)},
		{MetricEvictionRate, 20, 1 - clamp01(in.EvictionRate)},
		{MetricMemoryEfficiency, 20, MemoryEfficiency(in.ByteUtilization)},
	}, missing)
}

// PoolScorePartial is PoolScore over the parts the source can compute.
func PoolScorePartial(in PoolInputs, missing []string) (float64, string) {
	util := UtilizationScore(in.Utilization)
	if in.Ceiling {
		util = CeilingScore(in.Utilization)
	}
	return partialScore([]scorePart{
		{MetricUtilization, 40, util},
		{MetricAcquireWait, 30, WaitScore(in.WaitP95Ms)},
		{MetricErrorRate, 30, ErrorScore(in.ErrorRate)},
	}, missing)
}

// CeilingScore is the utilization score of a server's connection limit: 1
// up to 80 %, falling linearly to 0 at 100 % (the high side of
// UtilizationScore only).
func CeilingScore(u float64) float64 {
	if u = clamp01(u); u <= 0.8 {
		return 1
	}
	return (1 - u) / 0.2
}
