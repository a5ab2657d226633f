package output

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var wideNote = regexp.MustCompile(`this table is (\d+) columns wide`)

// FuzzTableFit: a text table never panics, every row of it is as wide as
// its border, and it fits the width — unless its note says how wide it is,
// and then it is exactly that wide.
func FuzzTableFit(f *testing.F) {
	f.Add(uint8(80), uint8(10), "database", "a message that is long enough to wrap at least once or twice", "detail text", "12,345", false)
	f.Add(uint8(20), uint8(1), "数据库连接", "接続プール は 満杯 です", "x", "1", false)
	f.Add(uint8(30), uint8(4), "http://"+strings.Repeat("h", 50), strings.Repeat("w", 70), "d", "0", true)
	f.Add(uint8(1), uint8(0), "", "", "", "", false)
	f.Add(uint8(40), uint8(3), "a\x1b[31mred", "tab\there\r\nline", "é́", "🙂🙂", false)
	f.Fuzz(func(t *testing.T, width, wrap uint8, a, b, c, d string, wide bool) {
		w := int(width)
		tb := NewTable("t", Col("name"), Wrapped("message", int(wrap)), Col("detail").AsDetail(), Num("n"))
		tb.Row(S(a), S(b), S(c), S(d))
		tb.Row(S(d), S(c+" "+b), S(a), S(b))
		out := renderText(t, (&Doc{}).Add(tb), Options{Width: w, Wide: wide})
		if w == 0 {
			w = DefaultWidth
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		var table []string
		note := ""
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "┌") || strings.HasPrefix(l, "│") || strings.HasPrefix(l, "├") || strings.HasPrefix(l, "└"):
				table = append(table, l)
			default:
				note += l
			}
		}
		if len(table) < 5 {
			t.Fatalf("no table:\n%s", out)
		}
		border := cellWidth(table[0])
		for _, l := range table {
			if lw := cellWidth(l); lw != border {
				t.Fatalf("line %q is %d wide, the border %d:\n%s", l, lw, border, out)
			}
		}
		if wide {
			if note != "" {
				t.Errorf("--wide printed a note %q", note)
			}
			return
		}
		if m := wideNote.FindStringSubmatch(note); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != border {
				t.Errorf("the note says %d columns, the table is %d:\n%s", n, border, out)
			}
			if border <= w {
				t.Errorf("the note says the table is too wide, yet it is %d ≤ %d:\n%s", border, w, out)
			}
		} else if border > w {
			t.Errorf("the table is %d wide, over %d, and no note says so:\n%s", border, w, out)
		}
		if strings.Contains(note, "hidden") == strings.Contains(table[1], "DETAIL") {
			t.Errorf("the detail column is hidden iff the note says so:\n%s", out)
		}
	})
}

// FuzzMarkdownCell: whatever a cell holds, its row has as many cells as
// the table has columns (GitHub's splitting), on one line.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"a|b", `a\|b`, `\\|`, "x\ny", "a\r\nb\rc", "`|`", "<b>", "*_~[]", "``x``", "\\", ""} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, code bool) {
		cell := S(s)
		if code {
			cell = Code(s)
		}
		tb := NewTable("", Col("a"), Col("b"), Col("c"))
		tb.Row(S("left"), cell, Spans{{Text: s, Tone: Strong}})
		out := renderMarkdown(t, (&Doc{}).Add(tb))
		lines := strings.Split(strings.TrimSuffix(out, "\n\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want header, separator and one row:\n%q", len(lines), out)
		}
		if strings.ContainsAny(lines[2], "\r") {
			t.Fatalf("the row holds a carriage return: %q", lines[2])
		}
		if cells := gfmCells(lines[2]); len(cells) != 3 {
			t.Fatalf("row %q has %d cells, want 3: %q", lines[2], len(cells), cells)
		}
	})
}
