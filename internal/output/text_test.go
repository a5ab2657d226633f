package output

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func renderText(t testing.TB, d *Doc, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, docResult{d: d}, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// widest is the width of the widest line, escapes not counted.
func widest(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, ansi.StringWidth(l))
	}
	return n
}

// headerLine is the text table's first header row.
func headerLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "│") {
			return l
		}
	}
	return ""
}

func words(n int) string { return strings.TrimSpace(strings.Repeat("lorem ipsum ", n)) }

func TestTableFit(t *testing.T) {
	wideRow := func(tb *Table) *Table {
		tb.Row(S("database"), S(strings.Repeat("b", 20)), S(strings.Repeat("c", 20)), S(strings.Repeat("d", 20)), S("e"))
		return tb
	}
	tests := []struct {
		name      string
		table     *Table
		width     int
		wide      bool
		shown     []string // headers in the header row, in order
		hidden    []string // headers not shown
		note      string   // a faint note line; "" means none
		wrapped   bool     // some cell spans several lines
		overWidth bool     // the table may be wider than width (it says so)
	}{
		{
			name:  "fits as it is",
			table: func() *Table { tb := NewTable("t", Col("a"), Num("b")); tb.Row(S("x"), S("1")); return tb }(),
			width: 80, shown: []string{"A", "B"},
		},
		{
			name: "the rightmost detail column goes first",
			table: wideRow(NewTable("t", Col("name"), Col("bbb").AsDetail(), Col("ccc"),
				Col("ddd").AsDetail(), Col("e"))),
			width: 76, shown: []string{"NAME", "BBB", "CCC", "E"}, hidden: []string{"DDD"},
			note: "1 column hidden to fit 76 columns: --wide shows all",
		},
		{
			name: "then the next detail column to the left",
			table: wideRow(NewTable("t", Col("name"), Col("bbb").AsDetail(), Col("ccc"),
				Col("ddd").AsDetail(), Col("e"))),
			width: 50, shown: []string{"NAME", "CCC", "E"}, hidden: []string{"BBB", "DDD"},
			note: "2 columns hidden to fit 50 columns: --wide shows all",
		},
		{
			name: "--wide keeps every column",
			table: wideRow(NewTable("t", Col("name"), Col("bbb").AsDetail(), Col("ccc"),
				Col("ddd").AsDetail(), Col("e"))),
			width: 50, wide: true, shown: []string{"NAME", "BBB", "CCC", "DDD", "E"}, overWidth: true,
		},
		{
			name: "a wrap column shrinks to fit",
			table: func() *Table {
				tb := NewTable("t", Col("pool"), Wrapped("message", 10), Num("n"))
				tb.Row(S("database"), S(words(20)), S("1"))
				return tb
			}(),
			width: 60, shown: []string{"POOL", "MESSAGE", "N"}, wrapped: true,
		},
		{
			name: "--wide does not wrap",
			table: func() *Table {
				tb := NewTable("t", Col("pool"), Wrapped("message", 10), Num("n"))
				tb.Row(S("database"), S(words(20)), S("1"))
				return tb
			}(),
			width: 60, wide: true, shown: []string{"POOL", "MESSAGE", "N"}, overWidth: true,
		},
		{
			name: "wrap stops at its minimum and says how wide the table is",
			table: func() *Table {
				tb := NewTable("t", Col(strings.Repeat("x", 40)), Wrapped("message", 10))
				tb.Row(S("a"), S(words(20)))
				return tb
			}(),
			width: 50, shown: []string{strings.Repeat("X", 40), "MESSAGE"}, wrapped: true,
			note: "this table is 54 columns wide: -o markdown or -o html shows it whole", overWidth: true,
		},
		{
			name: "a wrap column keeps its header whole",
			table: func() *Table {
				tb := NewTable("t", Col("name"), Wrapped("a rather long header", 5))
				tb.Row(S("x"), S(words(10)))
				return tb
			}(),
			width: 20, shown: []string{"NAME", "A RATHER LONG HEADER"}, wrapped: true,
			note: "this table is 31 columns wide: -o markdown or -o html shows it whole", overWidth: true,
		},
		{
			name: "hidden and still too wide: both notes",
			table: func() *Table {
				tb := NewTable("t", Col(strings.Repeat("x", 60)), Col("detail").AsDetail())
				tb.Row(S("a"), S("b"))
				return tb
			}(),
			width: 40, shown: []string{strings.Repeat("X", 60)}, hidden: []string{"DETAIL"},
			note: "1 column hidden to fit 40 columns: --wide shows all; this table is 64 columns wide: -o markdown or -o html shows it whole", overWidth: true,
		},
		{
			name: "a long word is broken only when wrapping at spaces is not enough",
			table: func() *Table {
				tb := NewTable("t", Col("k"), Wrapped("url", 8))
				tb.Row(S("a"), S("http://"+strings.Repeat("h", 60)+"/path"))
				return tb
			}(),
			width: 30, shown: []string{"K", "URL"}, wrapped: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderText(t, (&Doc{}).Add(tt.table), Options{Width: tt.width, Wide: tt.wide})
			head := headerLine(out)
			var got []string
			for _, f := range strings.Split(strings.Trim(head, "│"), "│") {
				got = append(got, strings.TrimSpace(f))
			}
			if strings.Join(got, ",") != strings.Join(tt.shown, ",") {
				t.Errorf("headers %q, want %q\n%s", got, tt.shown, out)
			}
			for _, h := range tt.hidden {
				if strings.Contains(head, " "+h+" ") {
					t.Errorf("%s is shown:\n%s", h, out)
				}
			}
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			last := lines[len(lines)-1]
			switch {
			case tt.note == "" && !strings.HasPrefix(last, "└"):
				t.Errorf("unexpected note %q", last)
			case tt.note != "" && last != tt.note:
				t.Errorf("note %q, want %q", last, tt.note)
			}
			rows := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "│") {
					rows++
				}
			}
			if isWrapped := rows > 1+len(tt.table.Rows); isWrapped != tt.wrapped {
				t.Errorf("wrapped = %v, want %v\n%s", isWrapped, tt.wrapped, out)
			}
			table := strings.Join(lines[1:], "\n") // the title line aside
			if tt.note != "" {
				table = strings.Join(lines[1:len(lines)-1], "\n")
			}
			if w := widest(table); !tt.overWidth && w > tt.width {
				t.Errorf("table is %d wide, over %d:\n%s", w, tt.width, out)
			}
			if m := regexp.MustCompile(`this table is (\d+) columns`).FindStringSubmatch(tt.note); m != nil {
				if w := widest(table); Int(w) != m[1] {
					t.Errorf("the note says %s columns, the table is %d", m[1], w)
				}
			}
		})
	}
}

// TestTableCellWidths: every row of a box table has the same width, with
// double-width (East Asian) characters and with colour escapes.
func TestTableCellWidths(t *testing.T) {
	tb := NewTable("t", Col("name"), Wrapped("note", 6), Num("n"))
	tb.Row(S("数据库连接"), S("接続プール は 満杯 です and more words"), S("1"))
	tb.Row(T(Bad, "redis"), Spans{{Text: "warn", Tone: Warn}, {Text: " and ", Tone: Plain}, {Text: "x", Code: true}}, T(Good, "22"))
	tb.Row(S("é́ combining"), S("emoji 🙂 ok"), S("3"))
	for _, color := range []bool{false, true} {
		for _, width := range []int{80, 40, 30} {
			out := renderText(t, (&Doc{}).Add(tb), Options{Width: width, Theme: Theme{Color: color}})
			want := -1
			for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n")[1:] {
				w := ansi.StringWidth(l)
				if want < 0 {
					want = w
				}
				if w != want {
					t.Errorf("color=%v width=%d: line %q is %d wide, the table's top %d:\n%s", color, width, l, w, want, out)
				}
			}
			if want > width {
				t.Errorf("color=%v width=%d: table %d wide\n%s", color, width, want, out)
			}
			if plain := renderText(t, (&Doc{}).Add(tb), Options{Width: width}); color && ansi.Strip(out) != plain {
				t.Errorf("width=%d: colour changes the text:\n%s\nvs\n%s", width, ansi.Strip(out), plain)
			}
		}
	}
}

func TestTableEmpty(t *testing.T) {
	tests := []struct {
		name  string
		table *Table
		want  string
	}{
		{"empty text", &Table{Title: "Leaks", Columns: []Column{Col("a")}, Empty: "none found"}, "Leaks\nnone found\n"},
		{"title only", &Table{Title: "Leaks", Columns: []Column{Col("a")}}, "Leaks\n"},
		{"nothing", &Table{Columns: []Column{Col("a")}}, ""},
	}
	for _, tt := range tests {
		if got := renderText(t, (&Doc{}).Add(tt.table), Options{}); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTableShortRowsAndNote(t *testing.T) {
	tb := NewTable("t", Col("a"), Col("b"), Col("c"))
	tb.Row(S("1"))
	tb.Note = "figures are rounded"
	out := renderText(t, (&Doc{}).Add(tb), Options{})
	if !strings.Contains(out, "│ 1 │   │   │") || !strings.HasSuffix(out, "┘\nfigures are rounded\n") {
		t.Errorf("short row or note:\n%s", out)
	}
}

func TestWrapSpans(t *testing.T) {
	tests := []struct {
		name  string
		in    Spans
		width int
		want  []string
	}{
		{"fits", S("a b c"), 10, []string{"a b c"}},
		{"at spaces", S("aaa bbb ccc"), 7, []string{"aaa bbb", "ccc"}},
		{"long word broken", S("abcdefghij"), 4, []string{"abcd", "efgh", "ij"}},
		{"newlines kept", S("a\nb c"), 10, []string{"a", "b c"}},
		{"wide characters", S("数据库连接"), 4, []string{"数据", "库连", "接"}},
		{"wider than the line", S("数据"), 1, []string{"数", "据"}},
		{"empty", S(""), 5, []string{""}},
		{"zero width is the default", S(words(3)), 0, []string{words(3)}},
		{"tones follow", Spans{{Text: "red words", Tone: Bad}, {Text: " plain"}}, 5, []string{"red", "words", "plain"}},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range wrapSpans(tt.in, tt.width, 0) {
			got = append(got, l.Plain())
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	lines := wrapSpans(Spans{{Text: "red words", Tone: Bad}}, 5, 0)
	if len(lines) != 2 || lines[1][0].Tone != Bad {
		t.Errorf("the second line lost its tone: %+v", lines)
	}
}

func TestWideKeepsParagraphs(t *testing.T) {
	d := (&Doc{}).Add(Para{Text: S(words(30))}, List{Items: []Spans{S(words(30))}})
	narrow := renderText(t, d, Options{Width: 40})
	if w := widest(narrow); w > 40 {
		t.Errorf("paragraphs are %d wide, over 40:\n%s", w, narrow)
	}
	if got := renderText(t, d, Options{Width: 40, Wide: true}); strings.Count(got, "\n") != 3 {
		t.Errorf("--wide wrapped a paragraph:\n%s", got)
	}
}

// TestBarChartValuesWrap: a bar chart whose per-row values do not fit the
// width beside the narrowest bar wraps them onto lines of their own, every
// value still shown; with room they stay on the bar's line.
func TestBarChartValuesWrap(t *testing.T) {
	chart := func(n int) *Chart {
		c := &Chart{Kind: Bars, Title: "curve"}
		for s := range n {
			c.Series = append(c.Series, Series{Name: "POLICY" + string(rune('A'+s)),
				Points: []Point{{Y: 0.5, Label: "1,000", Text: "50.0%"}, {Y: 0.9, Label: "10,000", Text: "90.0%"}}})
		}
		return c
	}
	tests := []struct {
		name   string
		series int
		width  int
		lines  int // lines of the chart, title included
	}{
		{"two series fit", 2, 80, 3},
		{"seven series wrap", 7, 80, 5},
		{"narrow: one value a line", 7, 40, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderText(t, (&Doc{}).Add(chart(tt.series)), Options{Format: Text, Width: tt.width})
			if w := widest(out); w > tt.width {
				t.Errorf("widest line %d > %d:\n%s", w, tt.width, out)
			}
			for s := range tt.series {
				name := "POLICY" + string(rune('A'+s))
				if s > 0 && strings.Count(out, "("+name+" ") != 2 {
					t.Errorf("%s shown %d times, want once per row:\n%s", name, strings.Count(out, "("+name+" "), out)
				}
			}
			if got := len(strings.Split(strings.TrimRight(out, "\n"), "\n")); got != tt.lines {
				t.Errorf("%d lines, want %d:\n%s", got, tt.lines, out)
			}
		})
	}
}
