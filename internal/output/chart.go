package output

// Chart is a picture of figures the result holds. HTML draws it as inline
// SVG; the text renderer draws a character-cell version; Markdown leaves
// it out (the tables carry the same figures).
type Chart struct {
	Title string
	Kind  ChartKind
	// XLabel and YLabel name the axes (with units): "pool size",
	// "throughput ops/s".
	XLabel, YLabel string
	// LogY draws the value axis on a log scale (latencies).
	LogY bool
	// Series in drawing order. For Bars, series share the categories of
	// the first one by index.
	Series []Series
	// Marks are vertical reference lines (Line charts) or a reference
	// value on every bar (Bars): "recommended max", "target".
	Marks []Mark
	// Unit is appended to values in labels ("ms", "%").
	Unit string
	// TextHidden leaves the chart out of text output: a picture too large
	// for a terminal whose figures a table already shows.
	TextHidden bool
}

// ChartKind says how a chart is drawn.
type ChartKind uint8

// Chart kinds.
const (
	// Line: x-y points; a series with Fit set is a smooth curve (the USL
	// fit), the others markers joined by lines.
	Line ChartKind = iota
	// Bars: one horizontal bar per category (Point.Label), per series;
	// in text a second series is drawn as what it adds over the first.
	Bars
	// Spark: one small line per series over its points (a per-second
	// throughput series, percentiles); in text a sparkline with the
	// values.
	Spark
)

// Series is one set of points.
type Series struct {
	Name   string
	Points []Point
	// Fit marks a fitted curve rather than measurements.
	Fit bool
}

// Point is one value. Label names a category (Bars) or the point in
// tooltips; Text is the value as the result formats it.
type Point struct {
	X, Y  float64
	Label string
	Text  string
}

// Mark is a reference value with a label.
type Mark struct {
	Value float64
	Label string
}

// HasData reports whether any series has a point.
func (c *Chart) HasData() bool {
	for _, s := range c.Series {
		if len(s.Points) > 0 {
			return true
		}
	}
	return false
}

// barTop is the value a bar chart's full length stands for: the largest
// value or mark, and at least 100 % on a percentage chart (0 when there is
// nothing to draw).
func (c *Chart) barTop() float64 {
	top := 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			top = max(top, p.Y)
		}
	}
	for _, m := range c.Marks {
		top = max(top, m.Value)
	}
	if c.Unit == "%" {
		top = max(top, 1)
	}
	return top
}
