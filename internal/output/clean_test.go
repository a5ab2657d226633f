package output

import (
	"regexp"
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"naïve 数据 🙂", "naïve 数据 🙂"},
		{"a\nb", "a\nb"},
		{"a\tb", "a b"},
		{"a\r\nb\rc", "a\nb\nc"},
		{"\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"\x1b]0;title\x07", "␛]0;title␇"},
		{"bell\x07 nul\x00 del\x7f", "bell␇ nul␀ del␡"},
		{"c1 \u009b31m", "c1 \ufffd31m"},
		{"bad \xff\xfe utf8", "bad \ufffd\ufffd utf8"},
		{"é then \x1b", "é then ␛"},
		{"user\u202egnp.exe", "user\ufffdgnp.exe"},
		{"a\u2066b\u2069", "a\ufffdb\ufffd"},
		{"zwj 👩\u200d💻", "zwj 👩\u200d💻"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTextHasNoForeignEscapes: escapes in a result's text never reach the
// terminal; the document itself is left as it was.
func TestTextHasNoForeignEscapes(t *testing.T) {
	bad := "app\x1b]0;pwned\x07\x1b[2J\rname"
	tb := NewTable(bad, Col(bad), Wrapped("b", 4))
	tb.Row(S(bad), Code(bad))
	d := (&Doc{Title: S(bad)}).Add(Heading{Text: bad}, Para{Text: S(bad)}, List{Items: []Spans{S(bad)}},
		Summary{Lines: []SummaryLine{{Label: bad, Value: S(bad)}}}, Pre{Caption: bad, Lines: []string{bad}}, tb,
		&Chart{Kind: Bars, Title: bad, Series: []Series{{Name: bad, Points: []Point{{Y: 1, Label: bad, Text: bad}}}}})
	for _, color := range []bool{false, true} {
		out := renderText(t, d, Options{Theme: Theme{Color: color}, Width: 60})
		plain := out
		if color { // the theme's own escapes are SGR only: ESC [ … m
			plain = sgr.ReplaceAllString(out, "")
		}
		if strings.ContainsAny(plain, "\x1b\x07\r") {
			t.Errorf("color=%v: a control character reached the output:\n%q", color, out)
		}
		if !strings.Contains(out, "␛]0;pwned␇") {
			t.Errorf("color=%v: the escape is not shown:\n%s", color, out)
		}
	}
	if tb.Rows[0][0][0].Text != bad {
		t.Error("rendering changed the document")
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)
