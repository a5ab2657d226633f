package output

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The formatters every result uses for its cells, so one figure reads the
// same in every command. They present values; they derive nothing.

// Dash stands for a value that does not apply or is unknown.
const Dash = "–"

// Every formatter of a float shows NaN and ±Inf (a ratio of nothing, a
// failed fit) as a Dash, and never "-0": a value that rounds to zero is
// shown unsigned.

// finite reports whether v is an ordinary number.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// fixed formats v with prec decimals, without the sign of a negative zero.
func fixed(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		return s[1:]
	}
	return s
}

// Percent shows a 0–1 ratio with one decimal: 0.1234 → "12.3%".
func Percent(r float64) string {
	if !finite(r) {
		return Dash
	}
	return fixed(r*100, 1) + "%"
}

// Percent0 shows a 0–1 ratio as a whole percentage: 0.144 → "14%".
func Percent0(r float64) string {
	if !finite(r) {
		return Dash
	}
	return fixed(r*100, 0) + "%"
}

// Thousands writes n with comma separators: 1234567 → "1,234,567".
func Thousands(n int64) string { return group(strconv.FormatInt(n, 10)) }

// group puts comma separators into a string of digits with an optional
// leading minus sign.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Ms shows milliseconds with the precision that suits their size:
// 0.412 → "0.412", 36.9 → "36.90", 143.2 → "143".
func Ms(ms float64) string {
	switch a := math.Abs(ms); {
	case !finite(ms):
		return Dash
	case ms == 0:
		return "0"
	case a < 1:
		return fixed(ms, 3)
	case a < 100:
		return fixed(ms, 2)
	default:
		return fixed(ms, 0)
	}
}

// MsList is milliseconds joined by " / ": "0.410 / 36.90 / 90.30".
func MsList(ms ...float64) string {
	parts := make([]string, len(ms))
	for i, v := range ms {
		parts[i] = Ms(v)
	}
	return strings.Join(parts, " / ")
}

// Ns shows nanoseconds with a unit: "85 ns", "1.2 µs", "3.4 ms".
func Ns(ns float64) string {
	switch a := math.Abs(ns); {
	case !finite(ns):
		return Dash
	case a < 1e3:
		return fixed(ns, 0) + " ns"
	case a < 1e6:
		return fixed(ns/1e3, 1) + " µs"
	default:
		return fixed(ns/1e6, 1) + " ms"
	}
}

// Bytes shows a byte count in IEC units: "512 B", "9.0 MiB"; a negative
// count (a shrink) has its sign.
func Bytes(b int64) string {
	const unit = 1024
	if b < 0 {
		if b == math.MinInt64 {
			return "-8.0 EiB"
		}
		return "-" + Bytes(-b)
	}
	if b < unit {
		return strconv.FormatInt(b, 10) + " B"
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit && exp < 5; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(b)/float64(div), "KMGTPE"[exp])
}

// Seconds shows a lifetime in seconds: "42.5s" below a minute, "1h2m3s"
// above.
func Seconds(s float64) string {
	switch {
	case !finite(s):
		return Dash
	case s < 60:
		return fixed(s, 1) + "s"
	case s >= maxSeconds:
		return Count(s/3600) + "h"
	}
	return time.Duration(math.Round(s) * float64(time.Second)).String()
}

// maxSeconds is about the longest time.Duration (292 years); longer
// lifetimes are shown in hours rather than overflow.
const maxSeconds = float64(math.MaxInt64/int64(time.Second)) - 1

// Duration shows a duration for people: whole seconds from 10 s up, tenths
// below; a negative one (unknown) is a dash.
func Duration(d time.Duration) string {
	if d < 0 {
		return Dash
	}
	if d >= 10*time.Second {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// DurationSeconds is Duration of a number of seconds.
func DurationSeconds(s float64) string {
	switch {
	case s < 0 || !finite(s):
		return Dash
	case s >= maxSeconds:
		return Count(s/3600) + "h"
	}
	return Duration(time.Duration(s * float64(time.Second)))
}

// Score is a 0–100 score with one decimal.
func Score(s float64) string {
	if !finite(s) {
		return Dash
	}
	return fixed(s, 1)
}

// Rate is an operations-per-second figure with one decimal.
func Rate(r float64) string {
	if !finite(r) {
		return Dash
	}
	return fixed(r, 1)
}

// Count shows a measured rate or count rounded, with comma separators:
// 1234.6 → "1,235"; NaN and ±Inf are a dash.
func Count(v float64) string {
	if !finite(v) {
		return Dash
	}
	// Through the decimal text, not int64: counts beyond 2^63 keep their
	// digits.
	return group(fixed(math.Round(v), 0))
}

// Uint is an unsigned count.
func Uint(n uint64) string { return strconv.FormatUint(n, 10) }

// Int is a signed count.
func Int(n int) string { return strconv.Itoa(n) }

// OrDash is s, or a dash when s is empty.
func OrDash(s string) string {
	if s == "" {
		return Dash
	}
	return s
}

// Truncate shortens s to n runes with an ellipsis (n ≤ 0 leaves nothing).
func Truncate(s string, n int) string {
	r := []rune(s)
	switch {
	case len(r) <= n:
		return s
	case n <= 0:
		return ""
	}
	return string(r[:n-1]) + "…"
}

// OneLine folds whitespace runs (newlines in queries, stacks) to one space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
