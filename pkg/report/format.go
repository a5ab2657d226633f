package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Cell formatting shared by the table and Markdown renderers. These only
// present numbers already in the report; they derive nothing.

// fmtMs shows milliseconds with precision that suits their size.
func fmtMs(ms float64) string {
	switch {
	case ms == 0:
		return "0"
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 3, 64)
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	}
}

// fmtMsTriple is "p50 / p95 / p99" in milliseconds.
func fmtMsTriple(a, b, c float64) string {
	return fmtMs(a) + " / " + fmtMs(b) + " / " + fmtMs(c)
}

// fmtNs shows a duration in nanoseconds with a unit.
func fmtNs(ns float64) string {
	switch {
	case ns < 1e3:
		return strconv.FormatFloat(ns, 'f', 0, 64) + " ns"
	case ns < 1e6:
		return strconv.FormatFloat(ns/1e3, 'f', 1, 64) + " µs"
	default:
		return strconv.FormatFloat(ns/1e6, 'f', 1, 64) + " ms"
	}
}

// fmtBytes shows a byte count in IEC units.
func fmtBytes(b int64) string {
	const unit = 1024
	if b < unit {
		return strconv.FormatInt(b, 10) + " B"
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit && exp < 4; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(b)/float64(div), "KMGTP"[exp])
}

// fmtSeconds shows a lifetime: "42.5s" below a minute, "1h2m3s" above.
func fmtSeconds(s float64) string {
	if s < 60 {
		return strconv.FormatFloat(s, 'f', 1, 64) + "s"
	}
	return time.Duration(math.Round(s) * float64(time.Second)).String()
}

// fmtScore is a score with one decimal.
func fmtScore(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) }

// fmtRate is an operations-per-second figure.
func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) }

func u64(n uint64) string { return strconv.FormatUint(n, 10) }

// fmtEvidence is "k=v, k=v" in key order, numbers as the JSON shows them.
func fmtEvidence(ev map[string]string) string {
	keys := sortedKeys(ev)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+ev[k])
	}
	return strings.Join(parts, ", ")
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// oneLine folds whitespace runs (newlines in queries, stacks) to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
