package output

import (
	"bytes"
	"strings"
	"testing"
)

func renderMarkdown(t testing.TB, d *Doc) string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeMarkdown(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// gfmCells splits a pipe-table row the way GitHub (cmark-gfm) does: a
// backslash escapes the ASCII punctuation character after it, another
// backslash included, and every unescaped pipe separates cells. The
// leading and trailing pipes are dropped.
func gfmCells(row string) []string {
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		c := row[i]
		if c == '\\' && i+1 < len(row) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", row[i+1]) >= 0 {
			cur.WriteByte(c)
			cur.WriteByte(row[i+1])
			i++
			continue
		}
		if c == '|' {
			cells = append(cells, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	cells = append(cells, cur.String())
	if len(cells) >= 2 && strings.TrimSpace(cells[0]) == "" {
		cells = cells[1:]
	}
	if n := len(cells); n >= 1 && strings.TrimSpace(cells[n-1]) == "" {
		cells = cells[:n-1]
	}
	return cells
}

func TestGFMCells(t *testing.T) {
	tests := []struct {
		row  string
		want int
	}{
		{`| a | b |`, 2}, {`| a \| b |`, 1}, {`| a \\| b |`, 2}, {`| a \\\| b |`, 1}, {"| `x\\|y` |", 1}, {"| | |", 2},
	}
	for _, tt := range tests {
		if got := gfmCells(tt.row); len(got) != tt.want {
			t.Errorf("gfmCells(%q) = %q, want %d cells", tt.row, got, tt.want)
		}
	}
}

func TestMarkdownCellEscaping(t *testing.T) {
	tests := []struct {
		name string
		cell Spans
		want string
	}{
		{"plain", S("database"), "database"},
		{"pipe", S("a|b"), `a\|b`},
		{"backslash before pipe", S(`a\|b`), `a\\\|b`},
		{"star", S("*bold*"), `\*bold\*`},
		{"backtick", S("`x`"), "\\`x\\`"},
		{"html", S("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"brackets", S("[link](x)"), `\[link\](x)`},
		{"strikethrough", S("~~old~~"), `\~\~old\~\~`},
		{"underscore inside a word stays", S("DB_POOL_MAX_SIZE"), "DB_POOL_MAX_SIZE"},
		{"underscore emphasis is escaped", S("_private_ and __dunder__"), `\_private\_ and \_\_dunder\_\_`},
		{"underscore at a word's edge", S("a_ _b snake_case_"), `a\_ \_b snake_case\_`},
		{"unicode word", S("größe_max"), "größe_max"},
		{"newline", S("line one\nline two"), "line one<br>line two"},
		{"crlf", S("one\r\ntwo\rthree"), "one<br>two<br>three"},
		{"code keeps its text", Code("a*b_c<d>"), "`a*b_c<d>`"},
		{"code pipe", Code("a|b"), "`a\\|b`"},
		{"code backslash pipe", Code(`a\|b`), "`a\\\\\\|b`"},
		{"code with backticks", Code("x`y"), "``x`y``"},
		{"code starting with a backtick", Code("`x"), "`` `x ``"},
		{"code newline", Code("a\nb"), "`a`<br>`b`"},
		{"strong", T(Strong, " x "), " **x** "},
		{"alarm is bold", T(Alarm, "critical"), "**critical**"},
		{"warn is plain", T(Warn, "warning"), "warning"},
		{"empty", nil, " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := NewTable("", Col("a"), Col("b"))
			tb.Row(tt.cell, S("z"))
			out := renderMarkdown(t, (&Doc{}).Add(tb))
			lines := strings.Split(out, "\n")
			if len(lines) < 3 {
				t.Fatalf("no row:\n%s", out)
			}
			row := lines[2]
			cells := gfmCells(row)
			if len(cells) != 2 {
				t.Fatalf("row %q has %d cells, want 2", row, len(cells))
			}
			if got := strings.TrimPrefix(strings.TrimSuffix(cells[0], " "), " "); got != tt.want {
				t.Errorf("cell = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMarkdownBlocks(t *testing.T) {
	tb := NewTable("Pools | all", Col("pool"), Num("hit\nrate"), Col("état"))
	tb.Row(S("db"), S("85.5%"), S("ok"))
	tb.Note = "rounded *a bit*"
	d := (&Doc{Title: Spans{{Text: "resync report · "}, {Text: "HEALTHY", Tone: Success}}}).Add(
		Summary{Lines: []SummaryLine{{Label: "Health", Value: T(Success, "HEALTHY")}, {Value: S("more")}}},
		Heading{Text: "Cache <default>\nsecond"},
		Para{Text: S("text with\nbreak")},
		Para{Text: S("a hint"), Faint: true},
		List{Items: []Spans{S("one"), Code("DB_POOL_MAX_SIZE=48")}},
		Pre{Caption: "Paste:", Lines: []string{"A=1", "```", "B=2"}},
		tb,
		&Table{Title: "Leaks", Columns: []Column{Col("a")}, Empty: "none"},
		&Table{Title: "Hidden", Columns: []Column{Col("a")}},
		&Chart{Kind: Spark, Series: []Series{{Name: "s", Points: []Point{{Y: 1}}}}},
		&Chart{Kind: Bars, Title: "ages", TextHidden: true, Series: []Series{{Name: "s", Points: []Point{{Y: 1, Label: "a"}}}}},
	)
	want := "## resync report · **HEALTHY**\n\n" +
		"- **Health** **HEALTHY**\n- more\n\n" +
		"### Cache &lt;default&gt; second\n\n" +
		"text with break\n\n" +
		"> a hint\n\n" +
		"- one\n- `DB_POOL_MAX_SIZE=48`\n\n" +
		"Paste:\n\n````\nA=1\n```\nB=2\n````\n\n" +
		"### Pools \\| all\n\n" +
		"| Pool | Hit rate | État |\n| --- | ---: | --- |\n| db | 85.5% | ok |\n\n_rounded \\*a bit\\*_\n\n" +
		"### Leaks\n\n_none_\n\n"
	if got := renderMarkdown(t, d); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestHeaderText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hit rate", "Hit rate"}, {"acquire wait ms\np50 / p95", "Acquire wait ms p50 / p95"},
		{"état", "État"}, {"", ""}, {"  ", ""}, {"ops/s", "Ops/s"}, {"数据", "数据"},
	}
	for _, tt := range tests {
		if got := headerText(tt.in); got != tt.want {
			t.Errorf("headerText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownChartFence(t *testing.T) {
	c := &Chart{Kind: Bars, Series: []Series{{Name: "s", Points: []Point{{Y: 1, Label: "```x", Text: "1"}}}}}
	out := renderMarkdown(t, (&Doc{}).Add(c))
	if !strings.HasPrefix(out, "````text\n") || !strings.HasSuffix(out, "\n````\n\n") {
		t.Errorf("a label with a fence must not close the block:\n%s", out)
	}
}
