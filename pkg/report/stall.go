package report

import (
	"fmt"

	"github.com/resync-dev/resync/internal/output"
)

// RulePoolStalled is the stalled-target rule's id.
const RulePoolStalled = "pool.stalled"

// StallRecommendation is the finding for operations still running when the
// workload's drain ran out (workload.Result.Abandoned): the target stopped
// answering (a stalled process, a lock, a dead network path) or answers far
// slower than the operation timeout. Those operations are in no latency
// figure, so without this a stall looks healthy. ok is false when none
// were abandoned.
func StallRecommendation(pool string, abandoned uint64) (rec Recommendation, ok bool) {
	if abandoned == 0 {
		return Recommendation{}, false
	}
	return Recommendation{
		ID: RulePoolStalled, Severity: SeverityCritical, Subject: pool,
		Message: fmt.Sprintf("%d operation%s still running when the run's drain ended: the target stalled or answers far slower than the operation timeout; they are in no latency figure.",
			abandoned, output.Plural(int(min(abandoned, 2)))),
		Evidence:   map[string]float64{"abandoned_operations": float64(abandoned)},
		Suggestion: "check the target for a stalled process, lock waits or a dead network path; lower the operation timeout (--timeout) so a stall shows as timeouts",
	}, true
}
