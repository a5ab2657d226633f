package output

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// writeHTML renders d as one self-contained page: styles and pictures are
// inline (SVG drawn here from the chart's points), nothing is fetched, no
// script runs. Every drawn value is an element of class "pt" with a
// <title> tooltip, so a test can count what a chart shows.
func writeHTML(w io.Writer, d *Doc) error {
	var body strings.Builder
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			body.WriteString("<h2>" + esc(b.Text) + "</h2>\n")
		case Para:
			cls := ""
			if b.Faint {
				cls = ` class="hint"`
			}
			body.WriteString("<p" + cls + ">" + htmlSpans(b.Text) + "</p>\n")
		case List:
			body.WriteString("<ul>\n")
			for _, it := range b.Items {
				body.WriteString("<li>" + htmlSpans(it) + "</li>\n")
			}
			body.WriteString("</ul>\n")
		case Summary:
			body.WriteString(`<dl class="summary">` + "\n")
			for _, l := range b.Lines {
				body.WriteString("<dt>" + esc(l.Label) + "</dt><dd>" + htmlSpans(l.Value) + "</dd>\n")
			}
			body.WriteString("</dl>\n")
		case Pre:
			if b.Caption != "" {
				body.WriteString(`<p class="hint">` + esc(b.Caption) + "</p>\n")
			}
			body.WriteString("<pre><code>" + esc(strings.Join(b.Lines, "\n")) + "</code></pre>\n")
		case *Table:
			htmlTable(&body, b)
		case *Chart:
			if c := drawable(b); c.HasData() {
				body.WriteString(svgChart(c))
			}
		}
	}
	return pageTemplate.Execute(w, struct {
		Title string
		Head  template.HTML
		Body  template.HTML
	}{d.Title.Plain(), template.HTML(htmlSpans(d.Title)), template.HTML(body.String())})
}

func esc(s string) string { return template.HTMLEscapeString(s) }

var toneClass = map[Tone]string{
	Strong: "strong", Faint: "faint", Good: "good", Warn: "warn", Bad: "bad", Info: "info",
	Alarm: "bad strong", Notice: "warn strong", Success: "good strong",
}

// htmlSpans renders inline text, every character escaped.
func htmlSpans(s Spans) string {
	var b strings.Builder
	for _, sp := range s {
		text := strings.ReplaceAll(esc(sp.Text), "\n", "<br>")
		if sp.Code {
			text = "<code>" + text + "</code>"
		}
		if cls, ok := toneClass[sp.Tone]; ok {
			text = `<span class="` + cls + `">` + text + "</span>"
		}
		b.WriteString(text)
	}
	return b.String()
}

func htmlTable(b *strings.Builder, t *Table) {
	if len(t.Rows) == 0 && t.Empty == "" {
		return
	}
	b.WriteString("<section>\n")
	if t.Title != "" {
		b.WriteString("<h2>" + esc(t.Title) + "</h2>\n")
	}
	if len(t.Rows) == 0 {
		b.WriteString(`<p class="hint">` + esc(t.Empty) + "</p>\n</section>\n")
		return
	}
	b.WriteString("<table>\n<thead><tr>")
	for _, c := range t.Columns {
		cls := ""
		if c.Right {
			cls = ` class="num"`
		}
		b.WriteString("<th" + cls + ">" + esc(headerText(c.Header)) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range t.Columns {
			cls := ""
			if c.Right {
				cls = ` class="num"`
			}
			var cell Spans
			if i < len(row) {
				cell = row[i]
			}
			b.WriteString("<td" + cls + ">" + htmlSpans(cell) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if t.Note != "" {
		b.WriteString(`<p class="hint">` + esc(t.Note) + "</p>\n")
	}
	b.WriteString("</section>\n")
}

// SVG geometry.
const (
	svgW, svgH               = 720, 320
	padL, padR, padT, padB   = 64, 24, 16, 48
	barRowH, barGap, sparkH  = 22, 6, 64
	sparkW, sparkLabelW      = 480, 160
	plotW, plotH             = svgW - padL - padR, svgH - padT - padB
	svgFont                  = `font-family="system-ui, sans-serif" font-size="12"`
	seriesClasses            = 4
	maxTicks                 = 5
	minPositiveForLogScaling = 1e-9
)

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// drawable is c without the points and marks SVG cannot place (NaN or
// infinite coordinates would make the browser reject the attribute); a bar
// of such a value is drawn empty, so the categories stay paired.
func drawable(c *Chart) *Chart {
	ok := func(v ...float64) bool {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	out := *c
	out.Series = make([]Series, len(c.Series))
	for i, s := range c.Series {
		s.Points = slices.Clone(s.Points)
		if c.Kind == Bars { // categories pair up by index: keep the bar, empty
			for j, p := range s.Points {
				if !ok(p.Y) {
					s.Points[j].Y = 0
				}
			}
		} else {
			s.Points = slices.DeleteFunc(s.Points, func(p Point) bool { return !ok(p.X, p.Y) })
		}
		out.Series[i] = s
	}
	out.Marks = slices.DeleteFunc(slices.Clone(c.Marks), func(m Mark) bool { return !ok(m.Value) })
	return &out
}

// svgChart draws c as an <svg> in a <figure>.
func svgChart(c *Chart) string {
	var b strings.Builder
	// data-points counts the plotted values, the .pt elements: a fitted
	// curve is a line through the chart, not values.
	n := 0
	for _, s := range c.Series {
		if !s.Fit {
			n += len(s.Points)
		}
	}
	fmt.Fprintf(&b, `<figure class="chart" data-kind="%s" data-points="%d">`+"\n", chartKindName(c.Kind), n)
	if c.Title != "" {
		b.WriteString("<figcaption>" + esc(c.Title) + "</figcaption>\n")
	}
	switch c.Kind {
	case Line:
		svgLine(&b, c)
	case Bars:
		svgBars(&b, c)
	case Spark:
		svgSpark(&b, c)
	}
	b.WriteString(svgLegend(c))
	b.WriteString("</figure>\n")
	return b.String()
}

func chartKindName(k ChartKind) string {
	switch k {
	case Bars:
		return "bars"
	case Spark:
		return "spark"
	}
	return "line"
}

func svgLegend(c *Chart) string {
	var parts []string
	for i, s := range c.Series {
		cls := fmt.Sprintf("s%d", i%seriesClasses)
		if s.Fit {
			cls = "fit"
		}
		parts = append(parts, `<span class="key `+cls+`"></span>`+esc(s.Name))
	}
	for _, m := range c.Marks {
		parts = append(parts, `<span class="key mark"></span>`+esc(m.Label))
	}
	return `<div class="legend">` + strings.Join(parts, " ") + "</div>\n"
}

// niceTicks returns up to maxTicks round values from 0 to at least top.
func niceTicks(top float64) []float64 {
	if top <= 0 {
		return []float64{0}
	}
	raw := top / maxTicks
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := 0.0; v <= top+step/2; v += step {
		out = append(out, v)
	}
	return out
}

func tickText(v float64, unit string) string {
	if unit == "%" {
		return Percent0(v)
	}
	if v != 0 && math.Abs(v) < 10 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return Count(v)
}

func svgLine(b *strings.Builder, c *Chart) {
	minX, maxX, top := math.Inf(1), 0.0, 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			minX, maxX, top = min(minX, p.X), max(maxX, p.X), max(top, p.Y)
		}
	}
	for _, m := range c.Marks {
		maxX = max(maxX, m.Value)
	}
	if minX > 0 && minX >= maxX {
		minX = 0
	}
	minX = min(minX, 0)
	yt := niceTicks(top)
	top = yt[len(yt)-1]
	if top <= 0 {
		top = 1
	}
	xt := niceTicks(maxX)
	maxX = max(maxX, xt[len(xt)-1])
	x := func(v float64) float64 { return padL + (v-minX)/(maxX-minX)*plotW }
	y := func(v float64) float64 { return padT + plotH - v/top*plotH }
	fmt.Fprintf(b, `<svg viewBox="0 0 %d %d" role="img" %s>`+"\n", svgW, svgH, svgFont)
	for _, t := range yt {
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/><text x="%d" y="%s" text-anchor="end" dy="4">%s</text>`+"\n",
			padL, padL+plotW, f1(y(t)), f1(y(t)), padL-6, f1(y(t)), esc(tickText(t, c.Unit)))
	}
	for _, t := range xt {
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n", f1(x(t)), padT+plotH+16, esc(tickText(t, "")))
	}
	fmt.Fprintf(b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`+"\n", padL, padL+plotW, padT+plotH, padT+plotH)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", padL+plotW/2, svgH-8, esc(c.XLabel))
	fmt.Fprintf(b, `<text x="14" y="%d" text-anchor="middle" transform="rotate(-90 14 %d)">%s</text>`+"\n",
		padT+plotH/2, padT+plotH/2, esc(c.YLabel))
	for _, m := range c.Marks {
		fmt.Fprintf(b, `<line class="mark" x1="%s" x2="%s" y1="%d" y2="%d"><title>%s</title></line>`+"\n",
			f1(x(m.Value)), f1(x(m.Value)), padT, padT+plotH, esc(m.Label))
	}
	for i, s := range c.Series {
		cls := fmt.Sprintf("s%d", i%seriesClasses)
		if s.Fit {
			cls = "fit"
		}
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, f1(x(p.X))+","+f1(y(p.Y)))
		}
		fmt.Fprintf(b, `<polyline class="%s" fill="none" points="%s"/>`+"\n", cls, strings.Join(pts, " "))
		if s.Fit {
			continue
		}
		for _, p := range s.Points {
			fmt.Fprintf(b, `<circle class="pt %s" cx="%s" cy="%s" r="4"><title>%s</title></circle>`+"\n",
				cls, f1(x(p.X)), f1(y(p.Y)), esc(pointTitle(s, p)))
		}
	}
	b.WriteString("</svg>\n")
}

func pointTitle(s Series, p Point) string {
	t := s.Name
	if p.Label != "" {
		t += " · " + p.Label
	}
	if p.Text != "" {
		t += ": " + p.Text
	}
	return t
}

func svgBars(b *strings.Builder, c *Chart) {
	cats := c.Series[0].Points
	top := c.barTop()
	if top <= 0 {
		top = 1
	}
	ns := len(c.Series)
	groupH := ns*barRowH + barGap
	h := padT + len(cats)*groupH + padB
	// The values are written after their bars: keep room for the longest
	// (about 7 px a character at 12 px) inside the picture.
	textW := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			textW = max(textW, utf8.RuneCountInString(p.Text))
		}
	}
	barW := float64(plotW - 40 - max(textW*7+8-padR, 0))
	x := func(v float64) float64 { return padL + 40 + min(max(v/top, 0), 1)*barW }
	fmt.Fprintf(b, `<svg viewBox="0 0 %d %d" role="img" %s>`+"\n", svgW, h, svgFont)
	for _, t := range niceTicks(top) {
		if t > top {
			break
		}
		fmt.Fprintf(b, `<line class="grid" x1="%s" x2="%s" y1="%d" y2="%d"/><text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n",
			f1(x(t)), f1(x(t)), padT, h-padB, f1(x(t)), h-padB+16, esc(tickText(t, c.Unit)))
	}
	for i, cat := range cats {
		gy := padT + i*groupH
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" dy="4">%s</text>`+"\n", padL+34, gy+groupH/2, esc(cat.Label))
		for si, s := range c.Series {
			if i >= len(s.Points) {
				continue
			}
			p := s.Points[i]
			fmt.Fprintf(b, `<rect class="pt s%d" x="%s" y="%d" width="%s" height="%d"><title>%s</title></rect>`+"\n",
				si%seriesClasses, f1(x(0)), gy+si*barRowH, f1(x(p.Y)-x(0)), barRowH-2, esc(pointTitle(s, p)))
			if p.Text != "" {
				fmt.Fprintf(b, `<text x="%s" y="%d" dy="4">%s</text>`+"\n", f1(x(p.Y)+4), gy+si*barRowH+barRowH/2, esc(p.Text))
			}
		}
	}
	for _, m := range c.Marks {
		fmt.Fprintf(b, `<line class="mark" x1="%s" x2="%s" y1="%d" y2="%d"><title>%s</title></line>`+"\n",
			f1(x(m.Value)), f1(x(m.Value)), padT, h-padB, esc(m.Label))
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", padL+plotW/2, h-8, esc(c.YLabel))
	b.WriteString("</svg>\n")
}

// svgSpark draws each series as a small column chart on one row.
func svgSpark(b *strings.Builder, c *Chart) {
	h := len(c.Series)*(sparkH+barGap) + barGap
	fmt.Fprintf(b, `<svg viewBox="0 0 %d %d" role="img" %s>`+"\n", sparkLabelW+sparkW+24, h, svgFont)
	for si, s := range c.Series {
		top := 0.0
		for _, p := range s.Points {
			top = max(top, p.Y)
		}
		gy := barGap + si*(sparkH+barGap)
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", sparkLabelW-8, gy+sparkH/2+4, esc(s.Name))
		if len(s.Points) == 0 {
			continue
		}
		if top <= 0 { // all zero: every bar at the floor height, still drawn
			top = 1
		}
		bw := float64(sparkW) / float64(len(s.Points))
		for i, p := range s.Points {
			f := p.Y / top
			if c.LogY {
				f = 0
				if p.Y > minPositiveForLogScaling {
					f = (math.Log10(p.Y/top) + sparklineDecades) / sparklineDecades
				}
			}
			f = min(max(f, 0.02), 1)
			bh := f * (sparkH - 14)
			fmt.Fprintf(b, `<rect class="pt s%d" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`+"\n",
				si%seriesClasses, f1(sparkLabelW+float64(i)*bw+1), f1(float64(gy+sparkH)-bh), f1(max(bw-2, 1)), f1(bh), esc(pointTitle(s, p)))
			if len(s.Points) <= 8 && p.Text != "" {
				fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>`+"\n",
					f1(sparkLabelW+(float64(i)+0.5)*bw), f1(float64(gy+sparkH)-bh-3), esc(p.Label+" "+p.Text))
			}
		}
	}
	b.WriteString("</svg>\n")
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}</title>
<style>
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #656d76; --line: #d0d7de;
  --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da;
  --s0: #0969da; --s1: #8250df; --s2: #bf8700; --s3: #1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d;
  --good: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff; --s0: #58a6ff; --s1: #bc8cff; --s2: #d29922; --s3: #3fb950; } }
body { font: 14px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: color-mix(in srgb, var(--line) 35%, transparent); } .num { text-align: right; }
code { font: 12px ui-monospace, monospace; } pre { background: color-mix(in srgb, var(--line) 30%, transparent); padding: .5rem 1rem; border-radius: 6px; } .hint, .faint { color: var(--muted); }
.strong { font-weight: 600; } .good { color: var(--good); } .warn { color: var(--warn); } .bad { color: var(--bad); } .info { color: var(--info); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
dl.summary dt { font-weight: 600; } dl.summary dd { margin: 0; }
figure.chart { margin: 1rem 0; } figcaption { color: var(--muted); }
svg { width: 100%; max-width: 760px; height: auto; fill: var(--fg); }
svg .grid { stroke: var(--line); } svg .axis { stroke: var(--muted); } svg .mark { stroke: var(--bad); stroke-dasharray: 4 3; stroke-width: 1.5; }
svg polyline { stroke-width: 2; } svg polyline.fit { stroke: var(--muted); stroke-dasharray: 2 3; }
svg .s0 { stroke: var(--s0); } svg .s1 { stroke: var(--s1); } svg .s2 { stroke: var(--s2); } svg .s3 { stroke: var(--s3); }
svg rect.s0, svg circle.s0 { fill: var(--s0); } svg rect.s1, svg circle.s1 { fill: var(--s1); opacity: .55; }
svg rect.s2, svg circle.s2 { fill: var(--s2); } svg rect.s3, svg circle.s3 { fill: var(--s3); }
.legend { color: var(--muted); font-size: 12px; } .key { display: inline-block; width: 12px; height: 4px; margin: 0 4px 2px 12px; background: var(--s0); }
.key.s1 { background: var(--s1); } .key.s2 { background: var(--s2); } .key.s3 { background: var(--s3); }
.key.fit { background: var(--muted); } .key.mark { background: var(--bad); }
</style>
</head>
<body>
<h1>{{.Head}}</h1>
{{.Body}}</body>
</html>
`))
