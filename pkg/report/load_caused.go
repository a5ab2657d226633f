package report

import (
	"fmt"
	"maps"
	"strings"

	"github.com/resync-dev/resync/pkg/pools"
)

// CauseTestLoad marks a recommendation that only the test load's own
// settings caused: with more workers than the pool has connections, the
// workers queue by design, so the pool's exhaustion, high utilization and
// acquire waits say nothing about the target or the pool's size for the
// user's real traffic.
const CauseTestLoad = "test_load"

// loadCausedRules are the pool rules such a load trips by itself.
var loadCausedRules = map[string]bool{RulePoolExhausted: true, RulePoolRaiseMax: true, RulePoolHighWait: true}

// markLoadCaused marks the load-caused recommendations of a pool that had
// more workers than connections and filled (loadCaused): Cause CauseTestLoad, severity info (so
// they never make the report degraded or critical), the message keeps the
// rule's figure and says why instead of the rule's advice, and the suggestion is the load setting that tests the pool itself.
func markLoadCaused(recs []Recommendation, workers int, s pools.Snapshot) {
	if !loadCaused(workers, s) {
		return
	}
	maxSize := s.MaxSize
	for i := range recs {
		r := &recs[i]
		if !loadCausedRules[r.ID] {
			continue
		}
		r.Cause = CauseTestLoad
		r.Severity = SeverityInfo
		finding, _, _ := strings.Cut(r.Message, ": ") // the figure, without the rule's advice
		r.Message = fmt.Sprintf("%s, caused by the test load: %d workers share %d connections and queue by design;"+
			" run with --concurrency %d or less to test the pool itself.", strings.TrimSuffix(finding, "."), workers, maxSize, maxSize)
		r.Suggestion = fmt.Sprintf("--concurrency %d", maxSize)
		r.Evidence = maps.Clone(r.Evidence)
		if r.Evidence == nil {
			r.Evidence = map[string]float64{}
		}
		r.Evidence["workers"] = float64(workers)
		r.Evidence["max_size"] = float64(maxSize)
	}
}

// loadCaused says the pool was driven by more workers than it has
// connections and filled: its queueing is the load's design. A pool that
// never filled (a database behind the cache, whose hits skip it) waited
// for other reasons, which stand.
func loadCaused(workers int, s pools.Snapshot) bool {
	return s.MaxSize > 0 && workers > s.MaxSize && atMax(s)
}

// loadSetMetrics are the score's parts such a load decides by itself; the
// pool is scored without them.
var loadSetMetrics = []string{MetricUtilization, MetricAcquireWait}

func loadBoundNote(workers, maxSize int) string {
	return fmt.Sprintf("scored on the error rate only: utilization and acquire wait are set by the test load"+
		" (%d workers on %d connections; --concurrency %d or less scores them)", workers, maxSize, maxSize)
}
