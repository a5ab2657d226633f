package output

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Character-cell charts. They show the shape; the exact figures are in the
// tables beside them.

// Line chart size in character cells.
const (
	lineWidth  = 56
	lineHeight = 12
)

func writeChart(w *errWriter, c *Chart, o Options) {
	if !c.HasData() || c.TextHidden {
		return
	}
	switch c.Kind {
	case Line:
		writeLineChart(w, c, o.Theme)
	case Bars:
		writeBarChart(w, c, o)
	case Spark:
		writeSparkChart(w, c, o.Theme)
	}
}

// writeLineChart plots y against x from 0 to the largest x: fitted series
// as '·', measured points as '●' (a point hides the curve under it), marks
// as '│' columns.
func writeLineChart(w *errWriter, c *Chart, th Theme) {
	maxX, top := 0.0, 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			maxX, top = max(maxX, p.X), max(top, p.Y)
		}
	}
	if top <= 0 || maxX <= 0 {
		return
	}
	grid := make([][]rune, lineHeight)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", lineWidth))
	}
	row := func(y float64) int {
		r := lineHeight - 1 - int(math.Round(y/top*float64(lineHeight-1)))
		return min(max(r, 0), lineHeight-1)
	}
	col := func(x float64) int {
		return min(max(int(math.Round(x/maxX*float64(lineWidth-1))), 0), lineWidth-1)
	}
	for _, m := range c.Marks {
		if m.Value > 0 && m.Value <= maxX {
			cc := col(m.Value)
			for r := range grid {
				grid[r][cc] = '│'
			}
		}
	}
	for _, s := range c.Series {
		if !s.Fit {
			continue
		}
		for cc := range lineWidth {
			x := float64(cc) / float64(lineWidth-1) * maxX
			if y, ok := interpolate(s.Points, x); ok {
				grid[row(y)][cc] = '·'
			}
		}
	}
	for _, s := range c.Series {
		if s.Fit {
			continue
		}
		for _, p := range s.Points {
			if p.Y > 0 {
				grid[row(p.Y)][col(p.X)] = '●'
			}
		}
	}
	label := func(v float64) string { return padLeft(Count(v), 9) }
	if c.Title != "" {
		w.line(th.Paint(Faint, c.Title))
	}
	for r, line := range grid {
		var lead string
		switch r {
		case 0:
			lead = label(top) + " ┤"
		case lineHeight - 1:
			lead = label(0) + " ┤"
		default:
			lead = strings.Repeat(" ", 10) + "│"
		}
		w.line(lead + th.Paint(Info, strings.TrimRight(string(line), " ")))
	}
	w.line(strings.Repeat(" ", 10) + "└" + strings.Repeat("─", lineWidth))
	axis := []rune(strings.Repeat(" ", lineWidth+11))
	put := func(x float64) {
		s := Count(x)
		at := 11 + col(x) - len(s)/2
		at = min(max(at, 11), len(axis)-len(s))
		copy(axis[at:], []rune(s))
	}
	minX := maxX
	for _, s := range c.Series {
		for _, p := range s.Points {
			minX = min(minX, p.X)
		}
	}
	put(minX)
	put(maxX)
	for _, m := range c.Marks {
		if m.Value > minX && m.Value < maxX {
			put(m.Value)
		}
	}
	w.line(strings.TrimRight(string(axis), " "))
	legend := []string{c.XLabel}
	for _, s := range c.Series {
		sym := "● "
		if s.Fit {
			sym = "· "
		}
		legend = append(legend, sym+s.Name)
	}
	for _, m := range c.Marks {
		legend = append(legend, "│ "+m.Label)
	}
	w.line(strings.Repeat(" ", 11) + th.Paint(Faint, strings.Join(legend, "   ")))
}

// interpolate reads a curve given by points sorted by x at x.
func interpolate(pts []Point, x float64) (float64, bool) {
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if x >= a.X && x <= b.X {
			if b.X == a.X {
				return b.Y, true
			}
			return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X), true
		}
	}
	return 0, false
}

// writeBarChart draws one row per category: the first series as '█', what
// the second adds over it as '░', each mark as '┆', then the values.
func writeBarChart(w *errWriter, c *Chart, o Options) {
	th := o.Theme
	first := c.Series[0].Points
	labelW, textW := 0, 0
	for _, p := range first {
		labelW = max(labelW, ansi.StringWidth(p.Label))
		textW = max(textW, ansi.StringWidth(p.Text))
	}
	// The values after each bar: its own, then every other series' in
	// parentheses, wrapped onto lines of their own under the first when
	// they would not fit o.Width beside the narrowest bar.
	budget := o.Width - labelW - 6 - minBarW
	values := make([][]string, len(first))
	valueW := 0
	for i, p := range first {
		parts := []string{padLeft(p.Text, textW)}
		for _, s := range c.Series[1:] {
			if i < len(s.Points) && s.Points[i].Text != "" {
				parts = append(parts, "("+s.Name+" "+s.Points[i].Text+")")
			}
		}
		values[i] = wrapParts(parts, budget)
		for _, l := range values[i] {
			valueW = max(valueW, ansi.StringWidth(l))
		}
	}
	top := c.barTop()
	if top <= 0 {
		return
	}
	barW := min(max(o.Width-labelW-valueW-6, minBarW), 40)
	cells := func(v float64) int { return int(math.Round(min(max(v/top, 0), 1) * float64(barW))) }
	legend := []string{"█ " + c.Series[0].Name}
	if len(c.Series) > 1 {
		legend = append(legend, "░ what "+c.Series[1].Name+" adds")
	}
	for _, m := range c.Marks {
		legend = append(legend, "┆ "+m.Label)
	}
	title := c.Title
	if title != "" {
		title += "  "
	}
	w.line(th.Paint(Faint, title+strings.Join(legend, "  ")))
	for i, p := range first {
		a := cells(p.Y)
		b := a
		if len(c.Series) > 1 && i < len(c.Series[1].Points) {
			b = max(cells(c.Series[1].Points[i].Y), a)
		}
		var bar strings.Builder
		bar.WriteString(th.Paint(Good, strings.Repeat("█", a)))
		bar.WriteString(th.Paint(Faint, strings.Repeat("░", b-a)))
		for x := b; x < barW; x++ {
			r := " "
			for _, m := range c.Marks {
				if min(cells(m.Value), barW-1) == x {
					r = "┆"
				}
			}
			bar.WriteString(r)
		}
		w.line(padLeft(p.Label, labelW) + " │" + bar.String() + "│ " + values[i][0])
		for _, more := range values[i][1:] {
			w.line(strings.Repeat(" ", labelW+barW+4) + more)
		}
	}
}

// minBarW is the narrowest bar area a bar chart draws.
const minBarW = 10

// wrapParts joins parts with two spaces into lines no wider than width (a
// part wider than that gets a line of its own; width ≤ 0 means one line):
// wrapSeparated over plain parts.
func wrapParts(parts []string, width int) []string {
	var v Spans
	for i, p := range parts {
		if i > 0 {
			v = append(v, Span{Text: partSep})
		}
		v = append(v, Span{Text: p})
	}
	if width <= 0 {
		return []string{v.Plain()}
	}
	var lines []string
	for _, l := range wrapSeparated(v, partSep, width) {
		lines = append(lines, l.Plain())
	}
	return lines
}

// partSep separates a bar's values.
const partSep = "  "

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkMaxPoints is the most points a sparkline draws; longer series are
// averaged down to it.
const sparkMaxPoints = 40

// writeSparkChart draws one sparkline per series with its values: all of
// them for a few points, the lowest and highest for a long series.
func writeSparkChart(w *errWriter, c *Chart, th Theme) {
	if c.Title != "" {
		w.line(th.Paint(Faint, c.Title))
	}
	nameW := 0
	for _, s := range c.Series {
		nameW = max(nameW, ansi.StringWidth(s.Name))
	}
	for _, s := range c.Series {
		ys := make([]float64, len(s.Points))
		for i, p := range s.Points {
			ys[i] = p.Y
		}
		var vals string
		if len(s.Points) <= 6 {
			parts := make([]string, len(s.Points))
			for i, p := range s.Points {
				parts[i] = p.Text
			}
			vals = strings.Join(parts, " · ")
		} else {
			lo, hi := s.Points[0], s.Points[0]
			for _, p := range s.Points {
				if p.Y < lo.Y {
					lo = p
				}
				if p.Y > hi.Y {
					hi = p
				}
			}
			vals = "min " + lo.Text + " · max " + hi.Text
		}
		w.line("  " + s.Name + strings.Repeat(" ", nameW-ansi.StringWidth(s.Name)) + " " +
			th.Paint(Info, Sparkline(downsample(ys, sparkMaxPoints), c.LogY)) + "  " + vals)
	}
}

// downsample averages ys into at most n buckets.
func downsample(ys []float64, n int) []float64 {
	if len(ys) <= n {
		return ys
	}
	out := make([]float64, n)
	for i := range out {
		lo, hi := i*len(ys)/n, (i+1)*len(ys)/n
		sum := 0.0
		for _, y := range ys[lo:hi] {
			sum += y
		}
		out[i] = sum / float64(hi-lo)
	}
	return out
}

// sparklineDecades is the range a log sparkline shows below its largest
// value; latencies span orders of magnitude.
const sparklineDecades = 3

// Sparkline draws values as unicode blocks, the largest a full block. On a
// log scale a value a thousandth of the largest or less is the lowest
// block; on a linear one the scale runs from zero. Zero and negative values
// draw the lowest block.
func Sparkline(values []float64, log bool) string {
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range values {
		level := 0
		if top > 0 && v > 0 {
			f := v / top
			if log {
				f = (math.Log10(v/top) + sparklineDecades) / sparklineDecades
			}
			level = int(math.Round(min(max(f, 0), 1) * float64(len(sparkBlocks)-1)))
		}
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}

func padLeft(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return s
}
