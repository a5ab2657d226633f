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

// Percent shows a 0–1 ratio with one decimal: 0.1234 → "12.3%".
func Percent(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }

// Percent0 shows a 0–1 ratio as a whole percentage: 0.144 → "14%".
func Percent0(r float64) string { return strconv.FormatFloat(r*100, 'f', 0, 64) + "%" }

// Thousands writes n with comma separators: 1234567 → "1,234,567".
func Thousands(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
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
	switch {
	case ns < 1e3:
		return strconv.FormatFloat(ns, 'f', 0, 64) + " ns"
	case ns < 1e6:
		return strconv.FormatFloat(ns/1e3, 'f', 1, 64) + " µs"
	default:
		return strconv.FormatFloat(ns/1e6, 'f', 1, 64) + " ms"
	}
}

// Bytes shows a byte count in IEC units: "512 B", "9.0 MiB".
func Bytes(b int64) string {
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

// Seconds shows a lifetime in seconds: "42.5s" below a minute, "1h2m3s"
// above.
func Seconds(s float64) string {
	if s < 60 {
		return strconv.FormatFloat(s, 'f', 1, 64) + "s"
	}
	return time.Duration(math.Round(s) * float64(time.Second)).String()
}

// Duration shows a duration for people: whole seconds from 10 s up, tenths
// below; a negative one (unknown) is a dash.
func Duration(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	if d >= 10*time.Second {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// DurationSeconds is Duration of a number of seconds.
func DurationSeconds(s float64) string {
	if s < 0 {
		return "—"
	}
	return Duration(time.Duration(s * float64(time.Second)))
}

// Score is a 0–100 score with one decimal.
func Score(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) }

// Rate is an operations-per-second figure with one decimal.
func Rate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) }

// Count shows a measured rate or count rounded, with comma separators:
// 1234.6 → "1,235"; NaN and ±Inf are a dash.
func Count(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Dash
	}
	return Thousands(int64(math.Round(v)))
}

// Uint is an unsigned count.
func Uint(n uint64) string { return strconv.FormatUint(n, 10) }

// Int is a signed count.
func Int(n int) string { return strconv.Itoa(n) }

// OrDash is s, or a dash when s is empty.
func OrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Truncate shortens s to n runes with an ellipsis.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
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
