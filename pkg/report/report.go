package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload"
)

// SchemaVersion is the version of the report JSON. Fields are only ever
// added within a version; see schema/report.schema.json.
const SchemaVersion = 1

// Report modes.
const (
	ModeLoad    = "load"    // resync drove its workload through its cache and pools
	ModeObserve = "observe" // resync read the targets' own counters, no workload
)

// Sources of a cache's or pool's figures.
const (
	SourceEmbedded   = "embedded"
	SourceRedis      = "redis"
	SourcePostgres   = "postgres"
	SourceMySQL      = "mysql"
	SourcePgbouncer  = "pgbouncer"
	SourcePrometheus = "prometheus"
)

// Overall health values.
const (
	HealthHealthy  = "healthy"
	HealthDegraded = "degraded"
	HealthCritical = "critical"
)

// Report is the whole diagnostic, as DESIGN.md's "Report JSON (schema_version
// 1)". Ratios are 0–1; numbers are never pre-formatted. Build fills every
// slice and map, so the JSON shows [] and {} rather than null.
type Report struct {
	SchemaVersion   int                   `json:"schema_version"`
	Timestamp       time.Time             `json:"timestamp"` // UTC, whole seconds
	DurationSeconds float64               `json:"duration_seconds"`
	Partial         bool                  `json:"partial"`  // the run was interrupted
	Embedded        bool                  `json:"embedded"` // built-in targets, not the user's
	Mode            string                `json:"mode"`     // load (resync's workload) | observe (the targets' own counters)
	Targets         []Target              `json:"targets"`
	Caches          map[string]CacheEntry `json:"caches"`
	Pools           map[string]PoolEntry  `json:"connection_pools"`
	Resources       Resources             `json:"resources"`
	OverallHealth   string                `json:"overall_health"` // healthy | degraded | critical
	HealthReasons   []string              `json:"health_reasons"`
	// Thresholds are the --threshold checks on the final figures, one per
	// threshold and subject; absent when none was given.
	Thresholds []threshold.Result `json:"thresholds,omitempty"`
}

// Target is one configured endpoint and whether it answered.
type Target struct {
	Name      string `json:"name"`            // "database", "redis", "http", …
	Kind      string `json:"kind"`            // postgres | mysql | sqlite | redis | http
	URL       string `json:"url"`             // always redacted
	Reachable bool   `json:"reachable"`       //
	Error     string `json:"error,omitempty"` // why it is unreachable or failed every operation, redacted
}

// CacheEntry is one cache's section.
type CacheEntry struct {
	Metrics         CacheMetrics     `json:"metrics"`
	EfficiencyScore float64          `json:"efficiency_score"` // 0–100, one decimal
	Rating          string           `json:"rating"`
	Recommendations []Recommendation `json:"recommendations"`
	// Source is where the figures come from: embedded (resync's own
	// cache or pool under its workload), redis, postgres, mysql,
	// pgbouncer or prometheus (the target's own counters, observe mode).
	Source string `json:"source"`
	// MissingMetrics are the spec metrics the source cannot compute
	// (MetricHitRate…); the score renormalises the remaining weights.
	MissingMetrics []string `json:"missing_metrics"`
	// ScoreNote says which parts the score left out, when any.
	ScoreNote string `json:"score_note,omitempty"`
	// NoTraffic says the observed entry saw no traffic in the window: it
	// is rated "no traffic" and not scored (efficiency_score 0 then).
	NoTraffic bool `json:"no_traffic,omitempty"`
	// CounterResets counts the counters that went backwards during the
	// observation (a restart, CONFIG RESETSTAT, pg_stat_reset): the
	// deltas restart from the new value, never a negative rate.
	CounterResets int `json:"counter_resets"`
}

// CacheMetrics are a cache's figures, rounded for stable output.
type CacheMetrics struct {
	HitRate         float64 `json:"hit_rate"`
	MissRate        float64 `json:"miss_rate"`
	EvictionRate    float64 `json:"eviction_rate"`
	AvgAccessNs     float64 `json:"avg_access_ns"`
	Items           int     `json:"items"`
	MemoryBytes     int64   `json:"memory_bytes"`
	MaxItems        int     `json:"max_items"`
	MaxBytes        int64   `json:"max_bytes"`
	ItemUtilization float64 `json:"item_utilization"`
	ByteUtilization float64 `json:"byte_utilization"`
	Hits            uint64  `json:"hits"`
	Misses          uint64  `json:"misses"`
	Sets            uint64  `json:"sets"`
	Updates         uint64  `json:"updates"`
	Deletes         uint64  `json:"deletes"`
	Evictions       uint64  `json:"evictions"`
	Expirations     uint64  `json:"expirations"`
}

// PoolEntry is one connection pool's section.
type PoolEntry struct {
	Metrics         PoolMetrics      `json:"metrics"`
	EfficiencyScore float64          `json:"efficiency_score"` // 0–100, one decimal
	Rating          string           `json:"rating"`
	Recommendations []Recommendation `json:"recommendations"`
	// Source is where the figures come from: embedded (resync's own
	// cache or pool under its workload), redis, postgres, mysql,
	// pgbouncer or prometheus (the target's own counters, observe mode).
	Source string `json:"source"`
	// MissingMetrics are the spec metrics the source cannot compute
	// (MetricHitRate…); the score renormalises the remaining weights.
	MissingMetrics []string `json:"missing_metrics"`
	// ScoreNote says which parts the score left out, when any.
	ScoreNote string `json:"score_note,omitempty"`
	// NoTraffic says the observed entry saw no traffic in the window: it
	// is rated "no traffic" and not scored (efficiency_score 0 then).
	NoTraffic bool `json:"no_traffic,omitempty"`
	// CounterResets counts the counters that went backwards during the
	// observation (a restart, CONFIG RESETSTAT, pg_stat_reset): the
	// deltas restart from the new value, never a negative rate.
	CounterResets int `json:"counter_resets"`
}

// PoolMetrics are a pool's figures, rounded for stable output. Milliseconds
// keep three decimals (microseconds).
type PoolMetrics struct {
	Kind            string             `json:"kind"`
	Target          string             `json:"target"` // redacted
	Active          int                `json:"active"`
	Idle            int                `json:"idle"`
	Waiting         int                `json:"waiting"`
	PeakWaiting     int                `json:"peak_waiting"`
	Total           int                `json:"total"`
	MinSize         int                `json:"min_size"`
	MaxSize         int                `json:"max_size"`
	Utilization     float64            `json:"utilization"`
	PeakUtilization float64            `json:"peak_utilization"`
	AcquireCount    uint64             `json:"acquire_count"`
	AcquireWaitMs   pools.Quantiles    `json:"acquire_wait_ms"`
	HoldMs          pools.Quantiles    `json:"hold_ms"`
	ConnectMs       pools.Quantiles    `json:"connect_ms"`
	LatencyMs       *pools.Quantiles   `json:"latency_ms,omitempty"` // workload operation latency, when measured
	Errors          uint64             `json:"errors"`
	ErrorsByKind    pools.ErrorCounts  `json:"errors_by_kind"`
	ErrorRate       float64            `json:"error_rate"`
	Exhaustions     uint64             `json:"exhaustions"`
	Timeouts        uint64             `json:"timeouts"`
	Cancellations   uint64             `json:"cancellations"`
	Created         uint64             `json:"created"`
	Closed          pools.ClosedCounts `json:"closed"`
	Operations      uint64             `json:"operations"`
	ThroughputPerS  float64            `json:"throughput_per_s"`
	Reachable       bool               `json:"reachable"`
	LastError       string             `json:"last_error,omitempty"` // redacted
	// Derived names figures derived rather than measured, and how (pools
	// whose library exposes only sums, read by pkg/monitor); absent when
	// every figure was measured.
	Derived []string `json:"derived,omitempty"`

	// The acquire-wait distribution from pools.Snapshot, unrounded, for the
	// Prometheus histogram of resync serve; not part of the report JSON.
	AcquireWaitBuckets    []pools.Bucket `json:"-"`
	AcquireWaitCount      uint64         `json:"-"`
	AcquireWaitSumSeconds float64        `json:"-"`
	// LatencyBins is the workload's operation latency in bins, for the
	// HTML histogram; not part of the report JSON.
	LatencyBins []workload.LatencyBin `json:"-"`
}

// Resources are the tracker's figures and the potential leaks.
type Resources struct {
	ActiveCount     int                  `json:"active_count"`
	PotentialLeaks  []Leak               `json:"potential_leaks"` // most severe, then oldest, first
	LeaksBySeverity map[string]int       `json:"leaks_by_severity"`
	ByKind          map[string]KindStats `json:"by_kind"`
}

// Leak is one potential leak: a resource alive longer than the threshold, in
// resync's own tracker or on a live server (Source names the target).
type Leak struct {
	Source          string            `json:"source"`
	Kind            string            `json:"kind"`
	ID              string            `json:"id"`
	Owner           string            `json:"owner"`
	Created         time.Time         `json:"created,omitzero"` // UTC
	LifetimeSeconds float64           `json:"lifetime_seconds"`
	Severity        string            `json:"severity"`
	Resolved        bool              `json:"resolved"`
	Stack           string            `json:"stack,omitempty"`
	Evidence        map[string]string `json:"evidence,omitempty"` // redacted
}

// LeakScan is one fresh leak scan: the potential leaks found, and which
// targets' server sessions were inspected and which could not be. A scan
// that could not reach a server finds no leaks there, which is not the same
// as finding none, so the targets it missed are named.
type LeakScan struct {
	Leaks        []resources.Leak
	Inspected    []string       // target names, in target order
	NotInspected []NotInspected // in target order
}

// NotInspected is a target whose server sessions a leak scan could not
// inspect (unreachable, timed out, refused the inspector's login).
type NotInspected struct {
	Name   string `json:"name"`   // "database", "redis", …
	Kind   string `json:"kind"`   // postgres | mysql | redis
	URL    string `json:"url"`    // redacted
	Reason string `json:"reason"` // redacted
}

// KindStats are the tracker's figures for one kind of resource.
type KindStats struct {
	Created     uint64  `json:"created"`
	Released    uint64  `json:"released"`
	Active      int     `json:"active"`
	PeakActive  int     `json:"peak_active"`
	LifetimeP50 float64 `json:"lifetime_p50_seconds"`
	LifetimeP95 float64 `json:"lifetime_p95_seconds"`
	LifetimeP99 float64 `json:"lifetime_p99_seconds"`
}

// CacheNames returns the cache names in order.
func (r *Report) CacheNames() []string { return sortedKeys(r.Caches) }

// PoolNames returns the pool names in order.
func (r *Report) PoolNames() []string { return sortedKeys(r.Pools) }

// Recommendations returns every cache and pool recommendation, most severe
// first, then by subject and rule id.
func (r *Report) Recommendations() []Recommendation {
	var all []Recommendation
	for _, n := range r.CacheNames() {
		all = append(all, r.Caches[n].Recommendations...)
	}
	for _, n := range r.PoolNames() {
		all = append(all, r.Pools[n].Recommendations...)
	}
	SortRecommendations(all)
	return all
}

// SortRecommendations orders recommendations most severe first, then by
// subject and rule id; the sort is stable.
func SortRecommendations(recs []Recommendation) {
	slices.SortStableFunc(recs, func(a, b Recommendation) int {
		return cmp.Or(
			cmp.Compare(SeverityRank(b.Severity), SeverityRank(a.Severity)),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

// SeverityRank orders severities: critical 3, warning 2, info 1, unknown 0.
func SeverityRank(sev string) int {
	switch sev {
	case SeverityCritical:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	default:
		return 0
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
