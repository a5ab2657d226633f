package report

import "math"

// round rounds x to n decimals; NaN and ±Inf become 0 so JSON never fails.
func round(x float64, n int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow10(n)
	return math.Round(x*p) / p
}

// ceilInt is ⌈x⌉ as an int, at least 1.
func ceilInt(x float64) int {
	c := int(math.Ceil(x - 1e-9))
	if c < 1 {
		return 1
	}
	return c
}
