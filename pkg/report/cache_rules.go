package report

import (
	"fmt"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/cache"
)

// Cache rule thresholds. Ratios are 0–1.
const (
	// DefaultTargetHitRate is the hit rate a cache should reach (the spec's 70 %).
	DefaultTargetHitRate = 0.7
	// CacheAlertHitRate is the hit rate below which a cache is an alert (warning).
	CacheAlertHitRate = 0.5
	// CacheHighEvictionRate is the eviction rate (capacity evictions / sets)
	// above which a larger capacity is advised.
	CacheHighEvictionRate = 0.1
	// CacheMemoryNearBound is the byte utilization above which the byte bound
	// is considered close; the memory part of the cache score starts to fall here.
	CacheMemoryNearBound = 0.8
	// cacheMinGets is the number of gets below which hit-rate rules stay
	// silent: a handful of gets says nothing about the working set.
	cacheMinGets = 100
)

// Cache rule ids.
const (
	RuleCacheLowHitRate   = "cache.low_hit_rate"
	RuleCacheHighEviction = "cache.high_eviction_rate"
	RuleCacheMemoryBound  = "cache.memory_near_bound"
)

// CacheAdvice is what the caller knows beyond the stats: the capacity the
// hit-rate curve says is needed and the hit rate to aim for.
type CacheAdvice struct {
	// CapacityForTarget is the item capacity that reaches TargetHitRate
	// (from `cache simulate`'s curve); 0 when unknown.
	CapacityForTarget int
	// TargetHitRate is the hit rate to reach, 0–1; 0 means DefaultTargetHitRate.
	TargetHitRate float64
}

func (a CacheAdvice) target() float64 {
	if a.TargetHitRate <= 0 || a.TargetHitRate > 1 {
		return DefaultTargetHitRate
	}
	return a.TargetHitRate
}

// CacheRecommendations applies the cache rules to one cache's stats:
//
//   - hit rate < target (default 70 %) → larger capacity or longer TTL, info;
//     warning below 50 % (the spec's alert). The suggestion is
//     ASYNC_CACHE_MAX_ITEMS=<CapacityForTarget> when known. Silent before
//     100 gets.
//   - eviction rate > 10 % → larger capacity, warning (suggests doubling
//     MaxItems, or CapacityForTarget when larger).
//   - byte utilization > 80 % → raise ASYNC_CACHE_MAX_MEMORY_MB or shrink
//     values, warning at ≥ 95 %, info otherwise.
//
// The result is ordered by rule and never nil.
func CacheRecommendations(name string, st cache.Stats, advice CacheAdvice) []Recommendation {
	recs := []Recommendation{}
	target := advice.target()
	gets := st.Hits + st.Misses

	if gets >= cacheMinGets && st.HitRate < target {
		sev := SeverityInfo
		if st.HitRate < CacheAlertHitRate {
			sev = SeverityWarning
		}
		ev := map[string]float64{
			"hit_rate":        round(st.HitRate, 4),
			"target_hit_rate": target,
			"items":           float64(st.Items),
			"max_items":       float64(st.MaxItems),
		}
		suggestion := "ASYNC_CACHE_TTL=<longer> or ASYNC_CACHE_MAX_ITEMS=<larger>"
		msg := fmt.Sprintf("Hit rate %s is below the %s target: give the cache more capacity or a longer TTL.",
			output.Percent(st.HitRate), output.Percent(target))
		if advice.CapacityForTarget > 0 {
			ev["capacity_for_target"] = float64(advice.CapacityForTarget)
			suggestion = fmt.Sprintf("ASYNC_CACHE_MAX_ITEMS=%d", advice.CapacityForTarget)
			msg = fmt.Sprintf("Hit rate %s is below the %s target: about %d items reach it.",
				output.Percent(st.HitRate), output.Percent(target), advice.CapacityForTarget)
		} else if st.Expirations > st.Evictions {
			// Entries mostly die of old age, not of capacity: TTL is the lever.
			suggestion = "ASYNC_CACHE_TTL=<longer>"
		} else if st.MaxItems > 0 {
			suggestion = fmt.Sprintf("ASYNC_CACHE_MAX_ITEMS=%d", st.MaxItems*2)
		}
		recs = append(recs, Recommendation{
			ID: RuleCacheLowHitRate, Severity: sev, Subject: name,
			Message: msg, Evidence: ev, Suggestion: suggestion,
		})
	}

	if st.EvictionRate > CacheHighEvictionRate {
		ev := map[string]float64{
			"eviction_rate": round(st.EvictionRate, 4),
			"evictions":     float64(st.Evictions),
			"max_items":     float64(st.MaxItems),
		}
		suggestion := "ASYNC_CACHE_MAX_ITEMS=<larger>"
		if st.MaxItems > 0 {
			n := st.MaxItems * 2
			if advice.CapacityForTarget > n {
				n = advice.CapacityForTarget
			}
			suggestion = fmt.Sprintf("ASYNC_CACHE_MAX_ITEMS=%d", n)
		}
		recs = append(recs, Recommendation{
			ID: RuleCacheHighEviction, Severity: SeverityWarning, Subject: name,
			Message: fmt.Sprintf("%s of stores evict another entry: the cache is too small for its working set.",
				output.Percent(st.EvictionRate)),
			Evidence: ev, Suggestion: suggestion,
		})
	}

	if st.MaxBytes > 0 && st.ByteUtilization > CacheMemoryNearBound {
		sev := SeverityInfo
		if st.ByteUtilization >= 0.95 {
			sev = SeverityWarning
		}
		mb := float64(st.MaxBytes) / (1 << 20)
		newMB := ceilInt(mb * st.ByteUtilization / 0.7)
		recs = append(recs, Recommendation{
			ID: RuleCacheMemoryBound, Severity: sev, Subject: name,
			Message: fmt.Sprintf("Estimated memory is at %s of the byte bound: raise the bound or store smaller values.",
				output.Percent(st.ByteUtilization)),
			Evidence: map[string]float64{
				"byte_utilization": round(st.ByteUtilization, 4),
				"memory_bytes":     float64(st.Bytes),
				"max_bytes":        float64(st.MaxBytes),
			},
			Suggestion: fmt.Sprintf("ASYNC_CACHE_MAX_MEMORY_MB=%d", newMB),
		})
	}
	return recs
}
