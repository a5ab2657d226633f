package report

import (
	"math"
	"strings"
)

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparklineDecades is the range a sparkline shows below its largest value;
// latencies span orders of magnitude, so the scale is logarithmic.
const sparklineDecades = 3

// Sparkline draws values as unicode blocks on a log scale: the largest value
// is a full block, one a thousandth of it or less the lowest. Zero and
// negative values draw the lowest block. Plain text, no styling.
func Sparkline(values []float64) string {
	return sparkline(values, func(v, top float64) float64 {
		return (math.Log10(v/top) + sparklineDecades) / sparklineDecades
	})
}

// LinearSparkline draws values as unicode blocks on a linear scale from 0
// to their maximum (a full block). Zero and negative values draw the lowest
// block. Plain text, no styling.
func LinearSparkline(values []float64) string {
	return sparkline(values, func(v, top float64) float64 { return v / top })
}

// sparkline draws each positive value at the height scale gives it: a
// fraction of the largest value top, clamped to 0–1.
func sparkline(values []float64, scale func(v, top float64) float64) string {
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range values {
		level := 0
		if top > 0 && v > 0 {
			level = int(math.Round(clamp01(scale(v, top)) * float64(len(sparkBlocks)-1)))
		}
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}
