package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/workload"
)

// Input is everything a report is built from: snapshots taken once the
// workload stopped, and the facts of the run.
type Input struct {
	Now       time.Time     // the report's timestamp (an injected clock)
	Duration  time.Duration // how long the workload ran
	Partial   bool          // the run was interrupted
	Embedded  bool          // the targets are resync's built-in ones
	Mode      string        // ModeLoad ("" too) or ModeObserve
	Targets   []Target      // URLs and errors are redacted again by Build
	Caches    []CacheInput
	Pools     []PoolInput
	Resources resources.Stats
	Leaks     []resources.Leak
}

// CacheInput is one cache's snapshot and what is known about its curve.
type CacheInput struct {
	Name   string
	Stats  cache.Stats
	Advice CacheAdvice
	// Observed is set for figures read from the target's own counters
	// (observe mode): Source, the metrics it cannot compute, the
	// source's own recommendations (which replace the embedded rules) and
	// the counters that went backwards. Nil for resync's own.
	Observed *Observed
}

// PoolInput is one pool's snapshot and what the workload measured through it.
type PoolInput struct {
	Snapshot pools.Snapshot
	// LatencyMs is the workload's operation latency through this pool; nil
	// when not measured.
	LatencyMs *pools.Quantiles
	// LatencyHistogram is the same latency in bins, for charts; nil when
	// not measured.
	LatencyHistogram []workload.LatencyBin
	// Throughput is operations per second measured by the workload; 0 falls
	// back to Snapshot.Throughput().
	Throughput float64
	// Series is the workload's per-second operations and errors through
	// this pool, for the outage-window rule (OutageRecommendation); nil
	// when not measured.
	Series []workload.Point
	// Stall is the workload's operations still running when its drain ran
	// out (workload.Result.Abandoned, AbandonedAge, OpTimeout), for the
	// stalled-target rule.
	Stall Stall
	// Derived names the figures that were derived rather than measured
	// (for example a mean wait in every wait quantile, for pools that only
	// expose sums), each with how; it becomes PoolMetrics.Derived.
	Derived []string
	// Workers is the test load's workers through this pool
	// (workload.Result.Concurrency); 0 when resync sent it no load. With
	// more workers than the pool has connections, queueing is the load's
	// doing (see CauseTestLoad).
	Workers int
	// Observed is set for figures read from the target's own counters
	// (observe mode): Source, the metrics it cannot compute, the
	// source's own recommendations (which replace the embedded rules) and
	// the counters that went backwards. Nil for resync's own.
	Observed *Observed
}

// Observed describes figures a source read from a target's own counters.
type Observed struct {
	Source          string           // SourceRedis, …
	Missing         []string         // Metric… the source cannot compute
	Recommendations []Recommendation // the source's rules, with lines to paste
	CounterResets   int              // counters that went backwards in the window
	// Ceiling marks a pool that is a server's connection limit
	// (PoolInputs.Ceiling).
	Ceiling bool
	// NoTraffic marks an entry that saw no traffic in the window: it is
	// rated RatingNoTraffic, not scored.
	NoTraffic bool
}

// rate is the entry's score and rating, or 0 and RatingNoTraffic with its
// note when the observed entry saw no traffic.
func rate(raw float64, note string, o *Observed) (score float64, rating, scoreNote string, noTraffic bool) {
	if o != nil && o.NoTraffic {
		return 0, RatingNoTraffic, noTrafficNote, true
	}
	score = round(raw, 1)
	return score, Rating(score), note, false
}

// observedFields are the entry fields of o (embedded when nil).
func observedFields(o *Observed) (source string, missing []string, resets int) {
	if o == nil {
		return SourceEmbedded, []string{}, 0
	}
	missing = slices.Clone(o.Missing)
	if missing == nil {
		missing = []string{}
	}
	return o.Source, missing, o.CounterResets
}

// Build computes scores, ratings, recommendations and the overall health
// from in. It is pure: the same input gives the same report. Every URL and
// error text is redacted. Pools are keyed by Snapshot.Name; a repeated name
// gets a "#2", "#3"… suffix so no pool is lost.
func Build(in Input) *Report {
	r := &Report{
		SchemaVersion:   SchemaVersion,
		Timestamp:       in.Now.UTC().Truncate(time.Second),
		DurationSeconds: round(in.Duration.Seconds(), 3),
		Partial:         in.Partial,
		Embedded:        in.Embedded,
		Mode:            cmp.Or(in.Mode, ModeLoad),
		Targets:         make([]Target, 0, len(in.Targets)),
		Caches:          make(map[string]CacheEntry, len(in.Caches)),
		Pools:           make(map[string]PoolEntry, len(in.Pools)),
		HealthReasons:   []string{},
	}
	for _, t := range in.Targets {
		t.URL = redact.URL(t.URL)
		t.Error = redact.Text(t.Error)
		r.Targets = append(r.Targets, t)
	}
	for _, c := range in.Caches {
		r.Caches[uniqueKey(r.Caches, c.Name)] = buildCache(c)
	}
	for _, p := range in.Pools {
		r.Pools[uniqueKey(r.Pools, p.Snapshot.Name)] = buildPool(p)
	}
	r.Resources = buildResources(in.Resources, in.Leaks)
	r.OverallHealth, r.HealthReasons = Health(r)
	return r
}

func uniqueKey[V any](m map[string]V, name string) string {
	if _, taken := m[name]; !taken {
		return name
	}
	for i := 2; ; i++ {
		k := fmt.Sprintf("%s#%d", name, i)
		if _, taken := m[k]; !taken {
			return k
		}
	}
}

func buildCache(c CacheInput) CacheEntry {
	st := c.Stats
	source, missing, resets := observedFields(c.Observed)
	raw, note := CacheScorePartial(CacheInputs{
		HitRate:         st.HitRate,
		EvictionRate:    st.EvictionRate,
		ByteUtilization: st.ByteUtilization,
	}, missing)
	score, rating, note, noTraffic := rate(raw, note, c.Observed)
	recs := CacheRecommendations(c.Name, st, c.Advice)
	if c.Observed != nil {
		recs = slices.Clone(c.Observed.Recommendations)
		SortRecommendations(recs)
	}
	if recs == nil {
		recs = []Recommendation{}
	}
	return CacheEntry{
		Source:         source,
		MissingMetrics: missing,
		ScoreNote:      note,
		NoTraffic:      noTraffic,
		CounterResets:  resets,
		Metrics: CacheMetrics{
			HitRate:         round(st.HitRate, 4),
			MissRate:        round(st.MissRate, 4),
			EvictionRate:    round(st.EvictionRate, 4),
			AvgAccessNs:     round(st.AvgGetNs, 1),
			Items:           st.Items,
			MemoryBytes:     st.Bytes,
			MaxItems:        st.MaxItems,
			MaxBytes:        st.MaxBytes,
			ItemUtilization: round(st.ItemUtilization, 4),
			ByteUtilization: round(st.ByteUtilization, 4),
			Hits:            st.Hits,
			Misses:          st.Misses,
			Sets:            st.Sets,
			Updates:         st.Updates,
			Deletes:         st.Deletes,
			Evictions:       st.Evictions,
			Expirations:     st.Expirations,
		},
		EfficiencyScore: score,
		Rating:          rating,
		Recommendations: recs,
	}
}

func buildPool(p PoolInput) PoolEntry {
	s := p.Snapshot
	s.Target = redact.URL(s.Target)
	s.LastError = redact.Text(s.LastError)
	throughput := p.Throughput
	if throughput <= 0 {
		throughput = s.Throughput()
	}
	source, missing, resets := observedFields(p.Observed)
	scoredWithout := missing
	loadBound := p.Observed == nil && loadCaused(p.Workers, s)
	if loadBound {
		scoredWithout = loadSetMetrics
	}
	raw, note := PoolScorePartial(PoolInputs{
		Utilization: s.Utilization,
		WaitP95Ms:   s.AcquireWaitMs.P95,
		ErrorRate:   s.ErrorRate(),
		Ceiling:     p.Observed != nil && p.Observed.Ceiling,
	}, scoredWithout)
	if loadBound {
		note = loadBoundNote(p.Workers, s.MaxSize)
	}
	score, rating, note, noTraffic := rate(raw, note, p.Observed)
	recs := poolRecommendations(s, p.Series, p.Stall)
	markLoadCaused(recs, p.Workers, s)
	if p.Observed != nil {
		recs = slices.Clone(p.Observed.Recommendations)
		SortRecommendations(recs)
	}
	if recs == nil {
		recs = []Recommendation{}
	}
	var latency *pools.Quantiles
	if p.LatencyMs != nil {
		q := roundQ(*p.LatencyMs)
		latency = &q
	}
	return PoolEntry{
		Source:         source,
		MissingMetrics: missing,
		ScoreNote:      note,
		NoTraffic:      noTraffic,
		CounterResets:  resets,
		Metrics: PoolMetrics{
			Kind:            s.Kind,
			Target:          s.Target,
			Active:          s.Active,
			Idle:            s.Idle,
			Waiting:         s.Waiting,
			PeakWaiting:     s.PeakWaiting,
			Total:           s.Total,
			MinSize:         s.MinSize,
			MaxSize:         s.MaxSize,
			Utilization:     round(s.Utilization, 4),
			PeakUtilization: round(s.PeakUtilization, 4),
			AcquireCount:    s.AcquireCount,
			AcquireWaitMs:   roundQ(s.AcquireWaitMs),
			HoldMs:          roundQ(s.HoldMs),
			ConnectMs:       roundQ(s.ConnectMs),
			LatencyMs:       latency,
			LatencyBins:     p.LatencyHistogram,
			Errors:          s.Errors.Total(),
			ErrorsByKind:    s.Errors,
			ErrorRate:       round(s.ErrorRate(), 4),
			Exhaustions:     s.Exhaustions,
			Timeouts:        s.Timeouts,
			Cancellations:   s.Cancellations,
			Created:         s.Created,
			Closed:          s.Closed,
			Operations:      s.Operations,
			ThroughputPerS:  round(throughput, 1),
			Reachable:       s.Reachable,
			LastError:       s.LastError,
			Derived:         slices.Clone(p.Derived),

			AcquireWaitBuckets:    slices.Clone(s.AcquireWaitBuckets),
			AcquireWaitCount:      s.AcquireWaitCount,
			AcquireWaitSumSeconds: s.AcquireWaitSumSeconds,
		},
		EfficiencyScore: score,
		Rating:          rating,
		Recommendations: recs,
	}
}

// poolRecommendations are the snapshot's rules, the outage-window rule on
// the workload's series and the stalled-target rule.
func poolRecommendations(s pools.Snapshot, series []workload.Point, stall Stall) []Recommendation {
	recs := PoolRecommendations(s, EnvPrefix(s.Kind))
	if rec, ok := OutageRecommendation(s.Name, series); ok {
		recs = append(recs, rec)
	}
	if rec, ok := StallRecommendation(s.Name, stall); ok {
		recs = append(recs, rec)
	}
	return recs
}

func roundQ(q pools.Quantiles) pools.Quantiles {
	return pools.Quantiles{
		P50: round(q.P50, 3), P95: round(q.P95, 3), P99: round(q.P99, 3),
		Max: round(q.Max, 3), Mean: round(q.Mean, 3),
	}
}

func buildResources(st resources.Stats, leaks []resources.Leak) Resources {
	res := Resources{
		ActiveCount:    st.Active,
		PotentialLeaks: LeaksFrom(leaks),
		LeaksBySeverity: map[string]int{
			SeverityCritical: 0, SeverityWarning: 0, SeverityInfo: 0,
		},
		ByKind: make(map[string]KindStats, len(st.ByKind)),
	}
	for _, l := range res.PotentialLeaks {
		res.LeaksBySeverity[l.Severity]++
	}
	for _, k := range slices.Sorted(maps.Keys(st.ByKind)) {
		ks := st.ByKind[k]
		res.ByKind[k] = KindStats{
			Created: ks.Created, Released: ks.Released, Active: ks.Active, PeakActive: ks.PeakActive,
			LifetimeP50: round(ks.LifetimeP50, 3),
			LifetimeP95: round(ks.LifetimeP95, 3),
			LifetimeP99: round(ks.LifetimeP99, 3),
		}
	}
	return res
}

// LeaksFrom converts tracker and server-side leaks to the report's form:
// evidence, owner and stack redacted, times in UTC, lifetimes in seconds,
// unknown severities as warnings, most severe first,
// then longest-lived, then by source and id. The result is never nil. The
// leaks command uses it to render leaks without a whole report.
func LeaksFrom(leaks []resources.Leak) []Leak {
	out := make([]Leak, 0, len(leaks))
	for _, l := range leaks {
		secs := l.Seconds
		if secs == 0 && l.Lifetime > 0 {
			secs = l.Lifetime.Seconds()
		}
		var ev map[string]string
		if len(l.Evidence) > 0 {
			ev = make(map[string]string, len(l.Evidence))
			for k, v := range l.Evidence {
				ev[k] = redact.Text(v)
			}
		}
		var created time.Time
		if !l.Created.IsZero() {
			created = l.Created.UTC().Truncate(time.Millisecond)
		}
		out = append(out, Leak{
			Source:          l.Source,
			Kind:            l.Kind,
			ID:              l.ID,
			Owner:           redact.Text(l.Owner),
			Created:         created,
			LifetimeSeconds: round(secs, 3),
			Severity:        leakSeverity(l.Severity),
			Resolved:        l.Resolved,
			Stack:           redact.Text(l.Stack),
			Evidence:        ev,
		})
	}
	slices.SortStableFunc(out, func(a, b Leak) int {
		return cmp.Or(
			cmp.Compare(SeverityRank(b.Severity), SeverityRank(a.Severity)),
			cmp.Compare(b.LifetimeSeconds, a.LifetimeSeconds),
			cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.ID, b.ID),
		)
	})
	return out
}

// leakSeverity passes the three known severities and treats anything else
// (unset, or a word from a newer tracker) as a warning.
func leakSeverity(s resources.Severity) string {
	if SeverityRank(string(s)) == 0 {
		return SeverityWarning
	}
	return string(s)
}
