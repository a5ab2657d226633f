package report

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/workload"
)

// OutageMinSeconds is the shortest run of seconds with errors and no
// successful operation that is an outage window. One such second is
// ordinary noise (a restart of one connection, a failover blip); two in a
// row mean the target stopped serving, which an error rate averaged over
// the whole run hides (a 3 s refusal in an 8 s run is a few per cent).
const OutageMinSeconds = 2

// RulePoolOutage is the outage-window rule's id.
const RulePoolOutage = "pool.outage"

// OutageWindow is a run of the workload's per-second series in which
// operations failed and none succeeded: from second From up to (not
// including) second To, counted from the end of the warm-up.
type OutageWindow struct {
	From, To int
	Errors   uint64 // operations that failed inside the window
}

// Seconds is the window's length.
func (w OutageWindow) Seconds() int { return w.To - w.From }

// OutageWindows finds the outage windows in a per-second series: maximal
// runs of seconds without a successful operation (successes = ops −
// errors), starting and ending with a second that had errors — a second
// with no operation at all inside such a run belongs to it (nothing
// succeeded then either), one at its edges does not. Only runs of at least
// OutageMinSeconds are returned, in time order.
func OutageWindows(series []workload.Point) []OutageWindow {
	var out []OutageWindow
	first, last := -1, -1
	var errs uint64
	flush := func() {
		if first >= 0 {
			w := OutageWindow{From: series[first].Second, To: series[last].Second + 1, Errors: errs}
			if w.Seconds() >= OutageMinSeconds {
				out = append(out, w)
			}
		}
		first, last, errs = -1, -1, 0
	}
	for i, p := range series {
		switch {
		case p.Ops > p.Errors: // something succeeded
			flush()
		case p.Errors > 0:
			if first < 0 {
				first = i
			}
			last = i
			errs += p.Errors
		}
	}
	flush()
	return out
}

// OutageRecommendation is the outage-window rule: any outage window in the
// pool's per-second series is a critical finding naming the longest one
// (the first of equals) and counting the others. ok is false when there is
// none.
func OutageRecommendation(pool string, series []workload.Point) (rec Recommendation, ok bool) {
	ws := OutageWindows(series)
	if len(ws) == 0 {
		return Recommendation{}, false
	}
	longest, total := ws[0], 0
	for _, w := range ws {
		total += w.Seconds()
		if w.Seconds() > longest.Seconds() {
			longest = w
		}
	}
	msg := fmt.Sprintf("No successful operation from second %d to %d (%d s, %d failed): the target was down or refusing connections.",
		longest.From, longest.To, longest.Seconds(), longest.Errors)
	if len(ws) > 1 {
		msg = fmt.Sprintf("No successful operation from second %d to %d (%d s, %d failed; %d such windows, %d s in all): the target was down or refusing connections.",
			longest.From, longest.To, longest.Seconds(), longest.Errors, len(ws), total)
	}
	return Recommendation{
		ID: RulePoolOutage, Severity: SeverityCritical, Subject: pool,
		Message: msg,
		Evidence: map[string]float64{
			"from_second":          float64(longest.From),
			"to_second":            float64(longest.To),
			"outage_seconds":       float64(longest.Seconds()),
			"failed_in_window":     float64(longest.Errors),
			"windows":              float64(len(ws)),
			"outage_seconds_total": float64(total),
		},
		Suggestion: "check the target's logs and availability (restarts, failover, network, connection limits) around that window",
	}, true
}
