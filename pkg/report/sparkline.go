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
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range values {
		level := 0
		if top > 0 && v > 0 {
			f := (math.Log10(v/top) + sparklineDecades) / sparklineDecades
			level = int(math.Round(clamp01(f) * float64(len(sparkBlocks)-1)))
		}
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}
