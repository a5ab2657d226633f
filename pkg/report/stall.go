package report

import (
	"fmt"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/workload"
)

// RulePoolStalled is the stalled-target rule's id.
const RulePoolStalled = "pool.stalled"

// Stall is what the workload saw of operations that never ended: how many
// were still running when its drain ran out (workload.Result.Abandoned),
// how long the oldest had been running then, and the operation timeout
// that should have ended them (zero for none).
type Stall struct {
	Abandoned uint64
	Oldest    time.Duration
	OpTimeout time.Duration
}

// StallOf is the stall a workload result shows.
func StallOf(res *workload.Result) Stall {
	return Stall{Abandoned: res.Abandoned, Oldest: time.Duration(res.AbandonedAge.Oldest * 1e6), OpTimeout: res.OpTimeout}
}

// StallRecommendation is the finding for operations still running when the
// workload's drain ran out: the target stopped answering (a stalled
// process, a lock, a dead network path) or answers far slower than the
// operation timeout. Those operations are in no latency figure, so without
// this a stall looks healthy; the finding is critical and makes the
// health critical (Health). ok is false when none were abandoned.
func StallRecommendation(pool string, st Stall) (rec Recommendation, ok bool) {
	if st.Abandoned == 0 {
		return Recommendation{}, false
	}
	age := ""
	if st.Oldest > 0 {
		age = fmt.Sprintf(", the oldest for %s", output.Duration(st.Oldest))
	}
	limit := "no operation timeout"
	if st.OpTimeout > 0 {
		limit = "operation timeout " + output.Duration(st.OpTimeout)
	}
	return Recommendation{
		ID: RulePoolStalled, Severity: SeverityCritical, Subject: pool,
		Message: fmt.Sprintf("%d operation%s still running when the run's drain ended%s (%s): the target stalled or answers far slower than the operation timeout; they are in no latency figure.",
			st.Abandoned, output.Plural(int(min(st.Abandoned, 2))), age, limit),
		Evidence: map[string]float64{
			"abandoned_operations": float64(st.Abandoned),
			"oldest_age_ms":        float64(st.Oldest.Microseconds()) / 1e3,
			"op_timeout_ms":        float64(st.OpTimeout.Microseconds()) / 1e3,
		},
		Suggestion: "check the target for a stalled process, lock waits or a dead network path; lower the operation timeout (--timeout) so a stall shows as timeouts",
	}, true
}
