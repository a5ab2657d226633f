package report

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/pools"
)

// TestLoadCausedFindings: a pool driven by more workers than it has
// connections is exhausted and full by the load's design; those findings
// are marked as the test load's, info, with the load setting to change,
// and leave the health alone. With as many workers as connections, or no
// load, the same pool's findings stand.
func TestLoadCausedFindings(t *testing.T) {
	busy := goodPool()
	busy.Name, busy.Kind = "redis", "redis"
	busy.MinSize, busy.MaxSize, busy.Active, busy.Idle, busy.Waiting = 5, 20, 20, 0, 12
	busy.Utilization, busy.PeakUtilization, busy.Exhaustions = 0.96, 1, 2846
	busy.AcquireWaitMs = pools.Quantiles{P50: 8, P95: 121, P99: 190, Max: 240, Mean: 20}
	// The same waits in a pool that never filled (new connections slow to
	// come): not the load's design, whatever the workers.
	unfilled := busy
	unfilled.Active, unfilled.Waiting, unfilled.Exhaustions = 6, 0, 0
	unfilled.Utilization, unfilled.PeakUtilization = 0.3, 0.5
	tests := []struct {
		name       string
		pool       pools.Snapshot
		workers    int
		loadCaused bool
		health     string
		rules      []string
	}{
		{"32 workers on 20 connections", busy, 32, true, HealthHealthy, []string{RulePoolExhausted, RulePoolRaiseMax, RulePoolHighWait}},
		{"20 workers on 20 connections", busy, 20, false, HealthDegraded, []string{RulePoolExhausted, RulePoolRaiseMax, RulePoolHighWait}},
		{"no load (a library's pool)", busy, 0, false, HealthDegraded, []string{RulePoolExhausted, RulePoolRaiseMax, RulePoolHighWait}},
		{"32 workers, the pool never filled", unfilled, 32, false, HealthDegraded, []string{RulePoolHighWait}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := healthyInput()
			in.Targets = append(in.Targets, Target{Name: "redis", Kind: "redis", URL: "redis://cache:6379", Reachable: true})
			in.Pools = append(in.Pools, PoolInput{Snapshot: tt.pool, Workers: tt.workers})
			r := Build(in)
			recs := r.Pools["redis"].Recommendations
			var ids []string
			for _, rec := range recs {
				ids = append(ids, rec.ID)
				if !loadCausedRules[rec.ID] {
					continue
				}
				marked := rec.Cause == CauseTestLoad
				if marked != tt.loadCaused {
					t.Errorf("%s: cause %q, want load-caused %v", rec.ID, rec.Cause, tt.loadCaused)
				}
				if marked && (rec.Severity != SeverityInfo || rec.Suggestion != "--concurrency 20" ||
					!strings.Contains(rec.Message, "caused by the test load: 32 workers share 20 connections") ||
					strings.Contains(rec.Message, "raise the max") || rec.Evidence["workers"] != 32) {
					t.Errorf("%s marked as %+v", rec.ID, rec)
				}
			}
			for _, want := range tt.rules {
				if !strings.Contains(strings.Join(ids, " "), want) {
					t.Errorf("rules fired %v, want %s among them", ids, want)
				}
			}
			if note := r.Pools["redis"].ScoreNote; tt.loadCaused != strings.Contains(note, "set by the test load (32 workers on 20 connections") {
				t.Errorf("score note %q, want the load named: %v", note, tt.loadCaused)
			}
			if r.OverallHealth != tt.health {
				t.Errorf("health %s (%v), want %s", r.OverallHealth, r.HealthReasons, tt.health)
			}
		})
	}
}
