package observe

import (
	"fmt"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
)

// Fill adds the observation to a report input: targets (unreachable when a
// source never answered), caches and pools with their source, missing
// metrics, counter resets and the source's recommendations. Cache and pool
// names are "<target>" or "<target>/<name>" when the target has several.
func (r *Result) Fill(in *report.Input) {
	in.Mode = report.ModeObserve
	in.Duration = r.Elapsed
	in.Partial = in.Partial || r.Partial
	for _, sw := range r.Sources {
		t := report.Target{Name: sw.TargetName, Kind: sw.TargetKind, URL: sw.TargetURL, Reachable: sw.Reachable()}
		if !t.Reachable {
			t.Error = sw.LastError
		}
		in.Targets = append(in.Targets, t)
		for _, c := range sw.Caches {
			in.Caches = append(in.Caches, cacheInput(sw, c))
		}
		for _, p := range sw.Pools {
			in.Pools = append(in.Pools, poolInput(sw, p, r.Elapsed))
		}
	}
}

func entryName(target, name string) string {
	if name == "" || name == target {
		return target
	}
	return target + "/" + name
}

func cacheInput(sw SourceWindow, c CacheWindow) report.CacheInput {
	name := entryName(sw.TargetName, c.Last.Name)
	st := cache.Stats{
		Hits: c.Hits, Misses: c.Misses, Sets: c.Sets,
		Evictions: c.Evictions, Expirations: c.Expirations,
		Items: int(c.Last.Items), Bytes: c.Last.MemoryBytes, MaxBytes: c.Last.MaxBytes,
	}
	var none []string
	if gets := c.Hits + c.Misses; gets > 0 {
		st.HitRate = float64(c.Hits) / float64(gets)
		st.MissRate = 1 - st.HitRate
	} else {
		none = append(none, report.MetricHitRate) // no read in the window
	}
	switch {
	case c.Sets > 0:
		st.EvictionRate = min(1, float64(c.Evictions)/float64(c.Sets))
	case c.Evictions > 0:
		st.EvictionRate = 1
	default:
		none = append(none, report.MetricEvictionRate) // no write in the window
	}
	if st.MaxBytes > 0 {
		st.ByteUtilization = float64(st.Bytes) / float64(st.MaxBytes)
	} else {
		none = append(none, report.MetricMemoryEfficiency) // unbounded: nothing to be near
	}
	miss := missing(c.Last.Missing, none...)
	return report.CacheInput{
		Name:  name,
		Stats: st,
		Observed: &report.Observed{
			Source:          sw.Source,
			Missing:         miss,
			Recommendations: cacheRules(sw.Source, name, c, st, miss),
			CounterResets:   c.Resets,
			NoTraffic:       c.NoTraffic(),
		},
	}
}

func poolInput(sw SourceWindow, p PoolWindow, elapsed time.Duration) report.PoolInput {
	name := entryName(sw.TargetName, p.Last.Name)
	l := p.Last
	s := pools.Snapshot{
		Name: name, Kind: l.Kind, Target: sw.TargetURL,
		MaxSize: l.MaxSize, Total: l.Active + l.Idle, Active: l.Active, Idle: l.Idle,
		Waiting: l.Waiting, PeakWaiting: p.PeakWaiting,
		AcquireCount:    p.Attempts,
		Operations:      p.Ops,
		AcquireWaitMs:   acquireWait(p),
		Errors:          pools.ErrorCounts{Operation: p.Errors},
		Exhaustions:     p.Rejected,
		Utilization:     p.MeanUtilization,
		PeakUtilization: p.PeakUtilization,
		Reachable:       sw.Reachable(),
		LastError:       sw.LastError,
		Uptime:          0,
	}
	var none []string
	if p.Attempts == 0 && p.Errors == 0 && !contains(l.Missing, report.MetricErrorRate) {
		none = append(none, report.MetricErrorRate) // nothing tried in the window
	}
	if l.MaxSize <= 0 {
		none = append(none, report.MetricUtilization)
	}
	miss := missing(l.Missing, none...)
	var throughput float64
	if p.Ops > 0 && elapsed > 0 {
		throughput = float64(p.Ops) / elapsed.Seconds()
	}
	return report.PoolInput{
		Snapshot:   s,
		Throughput: throughput,
		Derived:    slices.Clone(l.Derived),
		Observed: &report.Observed{
			Source:          sw.Source,
			Missing:         miss,
			Recommendations: poolRules(sw.Source, name, p, s),
			CounterResets:   p.Resets,
			Ceiling:         l.Facts[FactCeiling] == "true",
			NoTraffic:       p.NoTraffic(),
		},
	}
}

// acquireWait is the window's wait figure: the peak of the sampled wait
// gauge (pgbouncer's maxwait) as p95, p99 and max — a lower bound of each,
// since the samples miss the waits between readings; p50 is not known. With
// a wait-time counter (Pool.WaitTotalUs) the mean is derived, ΔWaitTotalUs
// / ΔAttempts (or / ΔWaitCount when the source counts its waits) — a mean
// over the window, not a measured distribution — and raises p95, p99 and
// max when it is above the peak. A source that counts its waits has no
// distribution at all: p50 is the mean too.
func acquireWait(p PoolWindow) pools.Quantiles {
	q := pools.Quantiles{P95: p.PeakWaitMs, P99: p.PeakWaitMs, Max: p.PeakWaitMs}
	n := p.Attempts
	if p.WaitCount > 0 {
		n = p.WaitCount
	}
	if p.WaitTotalUs > 0 && n > 0 {
		q.Mean = float64(p.WaitTotalUs) / 1000 / float64(n)
		q.P95, q.P99, q.Max = max(q.P95, q.Mean), max(q.P99, q.Mean), max(q.Max, q.Mean)
	}
	if p.WaitCount > 0 {
		q.P50 = q.Mean
	}
	return q
}

// FactCeiling ("true") marks a pool that is a server's connection limit
// (report.Observed.Ceiling).
const FactCeiling = "ceiling"

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
