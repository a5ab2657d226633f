package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
)

// HealthScoreFloor is the efficiency score below which a cache or pool
// makes the report degraded.
const HealthScoreFloor = 60

// Health decides the overall health of a built report and says why:
//
//   - critical: a target is unreachable, a pool's error rate is above 5 %,
//     a pool's workload had an outage window (no successful operation for
//     OutageMinSeconds or more: the target was unreachable then, however
//     small the error rate over the whole run), or a leak is critical (e.g.
//     a session idle in transaction);
//   - degraded: a cache or pool scores below 60, a recommendation is a
//     warning or worse (an exhausted pool's critical advice counts here), or
//     there is any other potential leak;
//   - healthy otherwise.
//
// Reasons list critical causes first, then degraded ones; empty when healthy.
func Health(r *Report) (health string, reasons []string) {
	var crit, degr []string

	for _, t := range r.Targets {
		if !t.Reachable {
			msg := fmt.Sprintf("target %s (%s) is unreachable", t.Name, t.Kind)
			if t.Error != "" {
				msg += ": " + t.Error
			}
			crit = append(crit, msg)
		}
	}
	for _, name := range r.PoolNames() {
		if m := r.Pools[name].Metrics; m.ErrorRate > PoolHighErrorRate {
			crit = append(crit, fmt.Sprintf("pool %s error rate %s is above 5%%", name, output.Percent(m.ErrorRate)))
		}
	}
	for _, rec := range r.Recommendations() {
		switch rec.ID {
		case RulePoolOutage:
			crit = append(crit, fmt.Sprintf("pool %s had an outage: no successful operation from second %.0f to %.0f",
				rec.Subject, rec.Evidence["from_second"], rec.Evidence["to_second"]))
		case RulePoolStalled:
			crit = append(crit, fmt.Sprintf("pool %s stalled: %.0f operations never ended, the oldest running for %s",
				rec.Subject, rec.Evidence["abandoned_operations"], output.Duration(time.Duration(rec.Evidence["oldest_age_ms"]*1e6))))
		}
	}
	leaks := r.Resources.PotentialLeaks
	if s := leakSummary(leaks, "critical ", func(l Leak) bool { return l.Severity == SeverityCritical }); s != "" {
		crit = append(crit, s)
	}

	for _, name := range r.CacheNames() {
		if c := r.Caches[name]; c.EfficiencyScore < HealthScoreFloor && !unscored(c.ScoreNote) {
			degr = append(degr, fmt.Sprintf("cache %s score %.1f (%s) is below %d", name, c.EfficiencyScore, c.Rating, HealthScoreFloor))
		}
	}
	for _, name := range r.PoolNames() {
		if p := r.Pools[name]; p.EfficiencyScore < HealthScoreFloor && !unscored(p.ScoreNote) {
			degr = append(degr, fmt.Sprintf("pool %s score %.1f (%s) is below %d", name, p.EfficiencyScore, p.Rating, HealthScoreFloor))
		}
	}
	for _, rec := range r.Recommendations() {
		if SeverityRank(rec.Severity) >= SeverityRank(SeverityWarning) && rec.ID != RulePoolErrors && rec.ID != RulePoolOutage && rec.ID != RulePoolStalled {
			degr = append(degr, fmt.Sprintf("[%s] %s: %s", rec.Severity, rec.Subject, rec.Message))
		}
	}
	if s := leakSummary(leaks, "", func(l Leak) bool { return l.Severity != SeverityCritical }); s != "" {
		degr = append(degr, s)
	}

	reasons = append(append([]string{}, crit...), degr...)
	switch {
	case len(crit) > 0:
		return HealthCritical, reasons
	case len(degr) > 0:
		return HealthDegraded, reasons
	default:
		return HealthHealthy, reasons
	}
}

// leakSummary is "3 critical potential leaks (idle_in_transaction ×2, conn ×1)"
// for the leaks keep selects (adj is "critical " there), or "" when none.
func leakSummary(leaks []Leak, adj string, keep func(Leak) bool) string {
	byKind := map[string]int{}
	n := 0
	for _, l := range leaks {
		if keep(l) {
			byKind[l.Kind]++
			n++
		}
	}
	if n == 0 {
		return ""
	}
	parts := make([]string, 0, len(byKind))
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, byKind[k]))
	}
	noun := "potential leaks"
	if n == 1 {
		noun = "potential leak"
	}
	return fmt.Sprintf("%d %s%s (%s)", n, adj, noun, strings.Join(parts, ", "))
}

// unscored says a score note marks an entry whose source gave none of the
// score's parts, or that saw no traffic: its 0 is no finding.
func unscored(note string) bool { return strings.HasPrefix(note, unscoredPrefix) }
