package server

import (
	"fmt"
	"regexp"

	"github.com/resync-dev/resync/pkg/report"
)

// The forms of report.Health's reasons, and what /health says of each.
var (
	unreachableRE = regexp.MustCompile(`^target (\S+)(?: \((\w+)\))? is unreachable`)
	errorRateRE   = regexp.MustCompile(`^pool (\S+) error rate .* is above (\S+)`)
	outageRE      = regexp.MustCompile(`^pool (\S+) had an outage`)
	scoreRE       = regexp.MustCompile(`^(cache|pool) (\S+) score .* is below (\d+)`)
	recRE         = regexp.MustCompile(`^\[(\w+)\] (\S+): (.*)$`)
	leaksRE       = regexp.MustCompile(`^(\d+ (?:critical )?potential leaks?)\b`)
)

// genericOther stands for a reason of a form publicReason does not know.
const genericOther = "other finding: details in the authenticated report"

// publicReasons are the reasons /health gives without a token, one per
// report.HealthReasons entry: what is wrong and with which of resync's own
// names ("database", "redis2"), never a user, database name, host:port,
// URL or driver error. The authenticated endpoints keep the detail
// (report.HealthReasons, redacted).
func publicReasons(r *report.Report) []string {
	out := make([]string, 0, len(r.HealthReasons))
	for _, reason := range r.HealthReasons {
		out = append(out, publicReason(r, reason))
	}
	return out
}

func publicReason(r *report.Report, reason string) string {
	if m := unreachableRE.FindStringSubmatch(reason); m != nil {
		if m[2] != "" {
			return fmt.Sprintf("target %s (%s): unreachable", m[1], m[2])
		}
		return fmt.Sprintf("target %s: unreachable", m[1])
	}
	if m := errorRateRE.FindStringSubmatch(reason); m != nil {
		return fmt.Sprintf("pool %s: error rate above %s", m[1], m[2])
	}
	if m := outageRE.FindStringSubmatch(reason); m != nil {
		return fmt.Sprintf("pool %s: outage (no successful operation for a while)", m[1])
	}
	if m := scoreRE.FindStringSubmatch(reason); m != nil {
		return fmt.Sprintf("%s %s: score below %s", m[1], m[2], m[3])
	}
	if m := recRE.FindStringSubmatch(reason); m != nil {
		// the recommendation's ID, not its message (which may quote a
		// server's answer)
		for _, rec := range r.Recommendations() {
			if rec.Subject == m[2] && rec.Message == m[3] && rec.ID != "" {
				return fmt.Sprintf("%s: %s %s", m[2], m[1], rec.ID)
			}
		}
		return fmt.Sprintf("%s: %s recommendation", m[2], m[1])
	}
	if m := leaksRE.FindStringSubmatch(reason); m != nil {
		return m[1]
	}
	return genericOther
}
