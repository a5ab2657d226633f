package poolscmd

import (
	"fmt"
	"math"
	"strings"

	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// Chart size in character cells.
const (
	chartWidth  = 56
	chartHeight = 12
)

// uslChart draws throughput (y) against pool size (x, linear from 0 to the
// largest size measured): the fitted USL curve as '·', measured steps as
// '●' (a measured point hides the curve under it), the recommended max as
// a '│' column. Plain text; the caller may colour it.
func uslChart(res *sizing.Result) string {
	if len(res.Steps) == 0 {
		return ""
	}
	maxN := float64(res.Steps[len(res.Steps)-1].Size)
	top := res.PeakThroughput
	for _, s := range res.Steps {
		top = max(top, s.Throughput)
	}
	if res.Fit != nil {
		for c := range chartWidth {
			top = max(top, res.Fit.Throughput(colN(c, maxN)))
		}
	}
	if top <= 0 || maxN < 1 {
		return ""
	}
	grid := make([][]rune, chartHeight)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", chartWidth))
	}
	row := func(x float64) int {
		r := chartHeight - 1 - int(math.Round(x/top*float64(chartHeight-1)))
		return min(max(r, 0), chartHeight-1)
	}
	col := func(n float64) int {
		return min(max(int(math.Round(n/maxN*float64(chartWidth-1))), 0), chartWidth-1)
	}
	if rec := res.Recommendation; rec != nil && rec.Max > 0 && float64(rec.Max) <= maxN {
		c := col(float64(rec.Max))
		for r := range grid {
			grid[r][c] = '│'
		}
	}
	if res.Fit != nil {
		for c := range chartWidth {
			if n := colN(c, maxN); n >= 1 {
				grid[row(res.Fit.Throughput(n))][c] = '·'
			}
		}
	}
	for _, s := range res.Steps {
		if s.Throughput > 0 {
			grid[row(s.Throughput)][col(float64(s.Size))] = '●'
		}
	}
	label := func(v float64) string { return fmt.Sprintf("%9s", fmtCount(v)) }
	var b strings.Builder
	for r, line := range grid {
		switch r {
		case 0:
			b.WriteString(label(top) + " ┤")
		case chartHeight - 1:
			b.WriteString(label(0) + " ┤")
		default:
			b.WriteString(strings.Repeat(" ", 10) + "│")
		}
		b.WriteString(strings.TrimRight(string(line), " "))
		b.WriteByte('\n')
	}
	b.WriteString(strings.Repeat(" ", 10) + "└" + strings.Repeat("─", chartWidth) + "\n")
	axis := []rune(strings.Repeat(" ", chartWidth+11))
	put := func(n int) {
		s := fmt.Sprint(n)
		at := 11 + col(float64(n)) - len(s)/2
		at = min(max(at, 11), len(axis)-len(s))
		copy(axis[at:], []rune(s))
	}
	put(1)
	put(int(maxN))
	if rec := res.Recommendation; rec != nil && rec.Max > 1 && rec.Max < int(maxN) {
		put(rec.Max)
	}
	b.WriteString(strings.TrimRight(string(axis), " ") + "\n")
	b.WriteString(strings.Repeat(" ", 11) + "pool size   ● measured   · USL fit   │ recommended max\n")
	return b.String()
}

// colN is the pool size at chart column c.
func colN(c int, maxN float64) float64 { return float64(c) / float64(chartWidth-1) * maxN }
