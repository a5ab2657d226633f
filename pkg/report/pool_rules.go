package report

import (
	"fmt"
	"strings"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/pools"
)

// Pool rule thresholds (the spec's "Optimization Recommendations").
const (
	// PoolHighUtilization is the time-weighted utilization above which max is raised.
	PoolHighUtilization = 0.9
	// PoolLowUtilization is the time-weighted utilization below which min is lowered.
	PoolLowUtilization = 0.2
	// PoolHighWaitMs is the p95 acquire wait, in milliseconds, above which
	// the pool is too small or queries too slow.
	PoolHighWaitMs = 100.0
	// PoolHighErrorRate is the error rate (errors / acquire attempts) above
	// which the backend's health is in question; it also makes health critical.
	PoolHighErrorRate = 0.05
	// PoolExhaustionCritical is the share of acquires that found the pool
	// exhausted at or above which the exhaustion rule is critical; below it
	// (but above zero) the rule is a warning. One acquire in a hundred
	// queueing behind a full pool is already visible in tail latency.
	PoolExhaustionCritical = 0.01
	// PoolTargetUtilization is the utilization new sizes aim for: the middle
	// of the score's optimal 60–80 % band.
	PoolTargetUtilization = 0.7
)

// Pool rule ids.
const (
	RulePoolRaiseMax  = "pool.raise_max"
	RulePoolLowerMin  = "pool.lower_min"
	RulePoolHighWait  = "pool.high_wait"
	RulePoolErrors    = "pool.high_error_rate"
	RulePoolExhausted = "pool.exhausted"
)

// Setting-name prefixes of the CONNECTION_POOL table.
const (
	PrefixDB    = "DB_POOL"
	PrefixRedis = "REDIS_POOL"
	PrefixHTTP  = "HTTP_POOL"
)

// EnvPrefix maps a pool kind to the prefix of its settings:
// postgres, mysql and sqlite → DB_POOL; redis → REDIS_POOL; http and https →
// HTTP_POOL. An unknown kind gives "", and suggestions then name the bare
// setting (MAX_SIZE=…).
func EnvPrefix(kind string) string {
	switch strings.ToLower(kind) {
	case "postgres", "postgresql", "mysql", "mariadb", "sqlite":
		return PrefixDB
	case "redis", "rediss":
		return PrefixRedis
	case "http", "https":
		return PrefixHTTP
	default:
		return ""
	}
}

func setting(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "_" + name
}

// PoolRecommendations applies the spec's pool rules to one snapshot.
// envPrefix (see EnvPrefix) names the settings in suggestions. Rules, in
// output order:
//
//   - utilization > 90 % → raise max (warning) to
//     ⌈max × peak utilization / 70 %⌉, at least max+1;
//   - utilization < 20 % → lower min (info) to ⌈max × utilization / 70 %⌉,
//     only when that is below the current min;
//   - p95 acquire wait > 100 ms → grow the pool or optimize queries
//     (warning): raise max when the pool reached its max, else raise min so
//     fewer acquires wait for a dial;
//   - error rate > 5 % → check backend health (critical);
//   - any exhaustion → raise max now: critical when at least 1 % of acquires
//     found the pool exhausted, warning below.
//
// Utilization rules need at least one acquire. The result is never nil.
func PoolRecommendations(s pools.Snapshot, envPrefix string) []Recommendation {
	recs := []Recommendation{}
	maxKey, minKey := setting(envPrefix, "MAX_SIZE"), setting(envPrefix, "MIN_SIZE")

	if s.AcquireCount > 0 && s.Utilization > PoolHighUtilization {
		n := grownMax(s)
		recs = append(recs, Recommendation{
			ID: RulePoolRaiseMax, Severity: SeverityWarning, Subject: s.Name,
			Message: fmt.Sprintf("Utilization %s is above 90%%: raise the max size so bursts do not queue.",
				output.Percent(s.Utilization)),
			Evidence: map[string]float64{
				"utilization":      round(s.Utilization, 4),
				"peak_utilization": round(s.PeakUtilization, 4),
				"max_size":         float64(s.MaxSize),
			},
			Suggestion: fmt.Sprintf("%s=%d", maxKey, n),
		})
	}

	if s.AcquireCount > 0 && s.Utilization < PoolLowUtilization && s.MaxSize > 0 {
		n := ceilInt(float64(s.MaxSize) * s.Utilization / PoolTargetUtilization)
		if n < s.MinSize {
			recs = append(recs, Recommendation{
				ID: RulePoolLowerMin, Severity: SeverityInfo, Subject: s.Name,
				Message: fmt.Sprintf("Utilization %s is below 20%%: %d warm connections hold idle; lower the min size.",
					output.Percent(s.Utilization), s.MinSize),
				Evidence: map[string]float64{
					"utilization": round(s.Utilization, 4),
					"mean_active": round(s.Utilization*float64(s.MaxSize), 2),
					"min_size":    float64(s.MinSize),
					"max_size":    float64(s.MaxSize),
				},
				Suggestion: fmt.Sprintf("%s=%d", minKey, n),
			})
		}
	}

	if s.AcquireWaitMs.P95 > PoolHighWaitMs {
		ev := map[string]float64{
			"acquire_wait_p95_ms": round(s.AcquireWaitMs.P95, 3),
			"acquire_wait_p99_ms": round(s.AcquireWaitMs.P99, 3),
			"peak_utilization":    round(s.PeakUtilization, 4),
			"max_size":            float64(s.MaxSize),
		}
		rec := Recommendation{ID: RulePoolHighWait, Severity: SeverityWarning, Subject: s.Name, Evidence: ev}
		if atMax(s) || s.MinSize >= s.MaxSize {
			rec.Message = fmt.Sprintf("p95 acquire wait %s ms is above 100 ms while the pool is full: grow the pool or optimize slow queries.",
				fmtMs1(s.AcquireWaitMs.P95))
			rec.Suggestion = fmt.Sprintf("%s=%d", maxKey, grownMax(s))
		} else {
			n := ceilInt(float64(s.MaxSize) * s.PeakUtilization)
			n = min(max(n, s.MinSize+1), s.MaxSize)
			ev["min_size"] = float64(s.MinSize)
			ev["connect_p95_ms"] = round(s.ConnectMs.P95, 3)
			rec.Message = fmt.Sprintf("p95 acquire wait %s ms is above 100 ms although the pool never filled: acquires wait for new connections; keep more warm or optimize queries.",
				fmtMs1(s.AcquireWaitMs.P95))
			rec.Suggestion = fmt.Sprintf("%s=%d", minKey, n)
		}
		recs = append(recs, rec)
	}

	if rate := s.ErrorRate(); rate > PoolHighErrorRate {
		recs = append(recs, Recommendation{
			ID: RulePoolErrors, Severity: SeverityCritical, Subject: s.Name,
			Message: fmt.Sprintf("%s of acquires failed (dial %d, health check %d, operation %d): check the backend's health.",
				output.Percent(rate), s.Errors.Dial, s.Errors.HealthCheck, s.Errors.Operation),
			Evidence: map[string]float64{
				"error_rate":          round(rate, 4),
				"dial_errors":         float64(s.Errors.Dial),
				"health_check_errors": float64(s.Errors.HealthCheck),
				"operation_errors":    float64(s.Errors.Operation),
				"acquires":            float64(s.AcquireCount),
			},
			Suggestion: errorSuggestion(s, envPrefix),
		})
	}

	if s.Exhaustions > 0 {
		ratio := float64(s.Exhaustions) / float64(max(s.AcquireCount, 1))
		sev := SeverityWarning
		if ratio >= PoolExhaustionCritical {
			sev = SeverityCritical
		}
		recs = append(recs, Recommendation{
			ID: RulePoolExhausted, Severity: sev, Subject: s.Name,
			Message: fmt.Sprintf("The pool ran out of connections %d times (%s of acquires): raise the max size now.",
				s.Exhaustions, output.Percent(ratio)),
			Evidence: map[string]float64{
				"exhaustions":      float64(s.Exhaustions),
				"acquires":         float64(s.AcquireCount),
				"exhaustion_ratio": round(ratio, 4),
				"peak_waiting":     float64(s.PeakWaiting),
				"max_size":         float64(s.MaxSize),
			},
			Suggestion: fmt.Sprintf("%s=%d", maxKey, grownMax(s)),
		})
	}
	return recs
}

// atMax reports whether the pool was seen full.
func atMax(s pools.Snapshot) bool { return s.Exhaustions > 0 || s.PeakUtilization >= 0.999 }

// grownMax is the max size that puts the observed peak at the target
// utilization: ⌈max × peak / 70 %⌉, at least max+1. An exhausted pool's peak
// counts as 100 %.
func grownMax(s pools.Snapshot) int {
	peak := max(s.PeakUtilization, s.Utilization)
	if atMax(s) {
		peak = 1
	}
	n := ceilInt(float64(s.MaxSize) * clamp01(peak) / PoolTargetUtilization)
	return max(n, s.MaxSize+1)
}

// errorSuggestion names the first thing to check for the dominant error kind.
func errorSuggestion(s pools.Snapshot, prefix string) string {
	e := s.Errors
	switch {
	case e.Dial >= e.HealthCheck && e.Dial >= e.Operation:
		return fmt.Sprintf("check that the server is up and accepts connections; a slow server needs a larger %s",
			setting(prefix, "CONNECT_TIMEOUT"))
	case e.HealthCheck >= e.Operation:
		return fmt.Sprintf("check the server and network: idle connections fail validation; a shorter %s drops them sooner",
			setting(prefix, "IDLE_TIMEOUT"))
	default:
		return "check the server's logs and the operation: it fails on healthy connections"
	}
}

// fmtMs1 formats milliseconds with one decimal for messages.
func fmtMs1(ms float64) string { return fmt.Sprintf("%.1f", ms) }
