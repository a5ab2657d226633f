package cachecmd

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/cache/sim"
	"github.com/resync-dev/resync/pkg/report"
)

// simOutput is what every renderer prints; it is also the JSON document.
type simOutput struct {
	SchemaVersion     int           `json:"schema_version"`
	Source            string        `json:"source"`
	Requests          int           `json:"requests"`
	DistinctKeys      int           `json:"distinct_keys"`
	Method            string        `json:"method"`
	TTLSeconds        float64       `json:"ttl_seconds"` // 0: no expiry
	RatePerSecond     float64       `json:"rate_per_second,omitempty"`
	MaxHitRate        float64       `json:"max_hit_rate"`
	TargetHitRate     float64       `json:"target_hit_rate"`
	CapacityForTarget int           `json:"capacity_for_target"` // 0: not reached
	CapacityExact     bool          `json:"capacity_exact"`
	Points            []pointOutput `json:"points"`
}

type pointOutput struct {
	sim.Point
	EfficiencyScore float64                 `json:"efficiency_score"`
	Rating          string                  `json:"rating"`
	Recommendations []report.Recommendation `json:"recommendations"`
}

// buildOutput scores each capacity and applies the cache rules to it.
func buildOutput(source string, o *SimulateOptions, res *sim.Result) *simOutput {
	out := &simOutput{
		SchemaVersion: 1, Source: source, Requests: res.Requests, DistinctKeys: res.DistinctKeys,
		Method: res.Method, TTLSeconds: o.TTL.Seconds(), MaxHitRate: res.MaxHitRate,
		TargetHitRate: res.TargetHitRate, CapacityForTarget: res.CapacityForTarget, CapacityExact: res.CapacityExact,
	}
	if o.TTL > 0 {
		out.RatePerSecond = o.Rate
	}
	advice := report.CacheAdvice{CapacityForTarget: res.CapacityForTarget, TargetHitRate: res.TargetHitRate}
	for _, p := range res.Points {
		st := pointStats(p, res.DistinctKeys)
		score := report.CacheScore(report.CacheInputs{HitRate: st.HitRate, EvictionRate: st.EvictionRate})
		out.Points = append(out.Points, pointOutput{
			Point:           p,
			EfficiencyScore: score,
			Rating:          report.Rating(score),
			Recommendations: report.CacheRecommendations(fmt.Sprintf("capacity %d", p.Capacity), st, advice),
		})
	}
	return out
}

// pointStats is the cache.Stats a cache of that capacity would report after
// the replay. There is no byte bound in a simulation.
func pointStats(p sim.Point, distinct int) cache.Stats {
	st := cache.Stats{
		Hits: uint64(p.Hits), Misses: uint64(p.Misses), Sets: uint64(p.Sets),
		Evictions: uint64(p.Evictions), Expirations: uint64(p.Expirations),
		HitRate: p.HitRate, EvictionRate: p.EvictionRate,
		Items: min(p.Capacity, distinct), MaxItems: p.Capacity,
	}
	if gets := p.Hits + p.Misses; gets > 0 {
		st.MissRate = float64(p.Misses) / float64(gets)
	}
	st.ItemUtilization = float64(st.Items) / float64(st.MaxItems)
	return st
}
