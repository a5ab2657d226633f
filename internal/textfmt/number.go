package textfmt

import (
	"strconv"
	"strings"
)

// Percent shows a 0–1 ratio as a percentage with one decimal: 0.1234 → "12.3%".
func Percent(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }

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
