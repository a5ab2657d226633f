package output

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
)

func renderHTML(t testing.TB, d *Doc) string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeHTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// evil is a name that would inject markup, break out of an attribute or
// close the style block if it were written as it is.
const evil = `</style><script>alert("x")</script><img src=x onerror='alert(1)'>&amp;`

// TestHTMLEscapesEverything puts evil into every text a Doc can carry: the
// page must show it as text everywhere.
func TestHTMLEscapesEverything(t *testing.T) {
	tb := NewTable(evil, Col(evil), Num("n"))
	tb.Row(Spans{{Text: evil}, {Text: evil, Tone: Bad}, {Text: evil, Code: true}}, S(evil+"\n"+evil))
	tb.Note = evil
	d := (&Doc{Title: S(evil)}).Add(
		Summary{Lines: []SummaryLine{{Label: evil, Value: S(evil)}}},
		Heading{Text: evil}, Para{Text: S(evil)}, Para{Text: S(evil), Faint: true},
		List{Items: []Spans{S(evil)}}, Pre{Caption: evil, Lines: []string{evil}}, tb,
		&Table{Title: evil, Columns: []Column{Col("a")}, Empty: evil},
	)
	for _, kind := range []ChartKind{Line, Bars, Spark} {
		d.Add(&Chart{Title: evil, Kind: kind, XLabel: evil, YLabel: evil, Unit: evil,
			Series: []Series{{Name: evil, Points: []Point{{X: 1, Y: 2, Label: evil, Text: evil}}}, {Name: evil, Fit: true, Points: []Point{{X: 1, Y: 1}}}},
			Marks:  []Mark{{Value: 1, Label: evil}}})
	}
	out := renderHTML(t, d)
	for _, bad := range []string{"<script", "<img", "</style><", "onerror='", `alert("x")`} {
		if strings.Contains(out, bad) {
			t.Errorf("the page contains %q:\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "&lt;/style&gt;&lt;script&gt;"); n < 30 {
		t.Errorf("the name appears escaped %d times, want every place (≥ 30)", n)
	}
	if !strings.Contains(out, "&amp;amp;") {
		t.Error("an ampersand was not escaped")
	}
	if strings.Count(out, "<style>") != 1 || strings.Count(out, "</style>") != 1 {
		t.Error("the style block was opened or closed by text")
	}
}

func TestHTMLPage(t *testing.T) {
	tb := NewTable("Pools", Col("pool"), Num("size"))
	tb.Row(S("db"), T(Good, "12"))
	d := (&Doc{Title: S("resync report")}).Add(tb, &Chart{Title: "wait", Kind: Line, Series: []Series{
		{Name: "measured", Points: []Point{{X: 1, Y: 2}, {X: 2, Y: 3}, {X: 3, Y: 3.5}}},
		{Name: "fit", Fit: true, Points: []Point{{X: 0, Y: 0}, {X: 1, Y: 2}, {X: 2, Y: 3}, {X: 3, Y: 3.4}, {X: 4, Y: 3.6}}},
	}})
	out := renderHTML(t, d)
	checks := []struct {
		name string
		ok   bool
	}{
		{"doctype", strings.HasPrefix(out, "<!DOCTYPE html>\n")},
		{"title", strings.Contains(out, "<title>resync report</title>")},
		{"csp forbids scripts and fetches", strings.Contains(out, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)},
		{"no script", !strings.Contains(out, "<script")},
		{"no external reference", !regexp.MustCompile(`(src|href)="https?:`).MatchString(out)},
		{"numeric column", strings.Contains(out, `<th class="num">Size</th>`)},
		{"toned cell", strings.Contains(out, `<td class="num"><span class="good">12</span></td>`)},
		{"figure counts the measured points", strings.Contains(out, `<figure class="chart" data-kind="line" data-points="3">`)},
		{"one .pt per measured point", strings.Count(out, `class="pt `) == 3},
		{"the fit is a line", strings.Contains(out, `<polyline class="fit"`)},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s:\n%s", c.name, out)
		}
	}
}

// TestHTMLChartPoints: data-points is the number of .pt elements for every
// kind, with zero values, non-finite ones and empty series.
func TestHTMLChartPoints(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	pts := func(ys ...float64) []Point {
		out := make([]Point, len(ys))
		for i, y := range ys {
			out[i] = Point{X: float64(i + 1), Y: y, Label: "p" + Int(i)}
		}
		return out
	}
	tests := []struct {
		name  string
		chart *Chart
		want  int // points; -1: no figure
	}{
		{"line", &Chart{Kind: Line, Series: []Series{{Name: "a", Points: pts(1, 2, 3)}}}, 3},
		{"line all zero", &Chart{Kind: Line, Series: []Series{{Name: "a", Points: pts(0, 0)}}}, 2},
		{"line with NaN", &Chart{Kind: Line, Series: []Series{{Name: "a", Points: pts(1, nan, inf, 2)}}, Marks: []Mark{{Value: nan}}}, 2},
		{"line only NaN", &Chart{Kind: Line, Series: []Series{{Name: "a", Points: pts(nan)}}}, -1},
		{"bars two series", &Chart{Kind: Bars, Unit: "%", Series: []Series{{Name: "a", Points: pts(0.5, 0.7)}, {Name: "b", Points: pts(0.9, 1)}}}, 4},
		{"bars with NaN drawn empty", &Chart{Kind: Bars, Series: []Series{{Name: "a", Points: pts(nan, 2)}}}, 2},
		{"bars all zero", &Chart{Kind: Bars, Series: []Series{{Name: "a", Points: pts(0, 0, 0)}}}, 3},
		{"spark", &Chart{Kind: Spark, Series: []Series{{Name: "a", Points: pts(1, 2)}, {Name: "b", Points: pts(0, 0, 0)}}}, 5},
		{"spark log", &Chart{Kind: Spark, LogY: true, Series: []Series{{Name: "a", Points: pts(0, 0.001, 10, 1000)}}}, 4},
		{"spark with an empty series", &Chart{Kind: Spark, Series: []Series{{Name: "a"}, {Name: "b", Points: pts(3)}}}, 1},
		{"empty", &Chart{Kind: Line}, -1},
	}
	fig := regexp.MustCompile(`<figure class="chart" data-kind="\w+" data-points="(\d+)">`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderHTML(t, (&Doc{}).Add(tt.chart))
			m := fig.FindStringSubmatch(out)
			if tt.want < 0 {
				if m != nil {
					t.Errorf("a chart without drawable points has a figure:\n%s", out)
				}
				return
			}
			if m == nil {
				t.Fatalf("no figure:\n%s", out)
			}
			drawn := strings.Count(out, `class="pt `)
			if m[1] != Int(tt.want) || drawn != tt.want {
				t.Errorf("data-points=%s, %d .pt drawn; want %d", m[1], drawn, tt.want)
			}
			if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
				t.Errorf("a coordinate is not a number:\n%s", out)
			}
		})
	}
}
