package report

import (
	"fmt"
	"math"
	"strings"
)

// healthRank orders the health words.
var healthRank = map[string]int{HealthHealthy: 0, HealthDegraded: 1, HealthCritical: 2}

// Thresholds are the report's CI gates ("resync report --fail-on,
// --fail-under-score"). The zero value enforces nothing.
type Thresholds struct {
	// FailOn is "", HealthDegraded or HealthCritical: the report fails when its
	// overall health is at least this bad.
	FailOn string
	// FailUnderScore fails the report when any cache or pool efficiency
	// score (0–100) is below it; 0 is off.
	FailUnderScore float64
}

// Validate reports a threshold outside its domain, naming the flag.
func (t Thresholds) Validate() error {
	if _, ok := healthRank[t.FailOn]; t.FailOn != "" && (!ok || t.FailOn == HealthHealthy) {
		return fmt.Errorf("--fail-on %q is not a health level: use none, degraded or critical", t.FailOn)
	}
	// NaN passes both comparisons and would silently disable the gate.
	if math.IsNaN(t.FailUnderScore) || t.FailUnderScore < 0 || t.FailUnderScore > 100 {
		return fmt.Errorf("--fail-under-score %g is out of range: give a score from 0 to 100", t.FailUnderScore)
	}
	return nil
}

// Check returns why rep crosses the thresholds, one reason per crossing in
// a stable order (health first, then caches and pools by name); nil when
// it passes.
func (t Thresholds) Check(rep *Report) []string {
	var reasons []string
	if t.FailOn != "" && healthRank[rep.OverallHealth] >= healthRank[t.FailOn] {
		reasons = append(reasons, fmt.Sprintf("overall health is %s (--fail-on %s)", rep.OverallHealth, t.FailOn))
	}
	if t.FailUnderScore <= 0 {
		return reasons
	}
	for _, name := range sortedKeys(rep.Caches) {
		if s := rep.Caches[name].EfficiencyScore; s < t.FailUnderScore {
			reasons = append(reasons, fmt.Sprintf("cache %s scores %.1f < %g (--fail-under-score)", name, s, t.FailUnderScore))
		}
	}
	for _, name := range sortedKeys(rep.Pools) {
		if s := rep.Pools[name].EfficiencyScore; s < t.FailUnderScore {
			reasons = append(reasons, fmt.Sprintf("pool %s scores %.1f < %g (--fail-under-score)", name, s, t.FailUnderScore))
		}
	}
	return reasons
}

// Verdict joins Check's reasons into one line ("" when rep passes).
func (t Thresholds) Verdict(rep *Report) string { return strings.Join(t.Check(rep), "; ") }
