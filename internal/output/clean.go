package output

import (
	"strings"
	"unicode/utf8"
)

// Text a result carries may come from a server — an application name, a
// query, an error message — and a terminal obeys the control characters
// in it: an escape sequence could recolour, move the cursor or retitle the
// window, and a carriage return could overwrite what the line said. So
// the text renderer shows them instead: a tab as a space, a carriage
// return as a line break, other C0 controls as their Unicode pictures
// (ESC as ␛), C1 controls, bidirectional overrides and invalid UTF-8 as
// U+FFFD. Table widths are measured on the cleaned text, so they stay
// true.

// cleanText makes s safe to print on a terminal.
func cleanText(s string) string {
	if !needsClean(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r':
			b.WriteByte('\n')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0, bidiControl(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsClean(s string) bool {
	high := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n') || c == 0x7f {
			return true
		}
		high = high || c >= 0x80
	}
	return high && (!utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return (r >= 0x80 && r < 0xa0) || bidiControl(r) }))
}

// bidiControl reports the embedding, override and isolate controls, which
// make a terminal show text in another order than it is stored ("Trojan
// Source"): a name could look like another.
func bidiControl(r rune) bool { return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) }

func cleanSpans(s Spans) Spans {
	changed := false
	for _, sp := range s {
		if needsClean(sp.Text) {
			changed = true
			break
		}
	}
	if !changed {
		return s
	}
	out := make(Spans, len(s))
	for i, sp := range s {
		sp.Text = cleanText(sp.Text)
		out[i] = sp
	}
	return out
}

// cleanDoc is d with every text cleaned; d itself is not changed.
func cleanDoc(d *Doc) *Doc {
	out := &Doc{Title: cleanSpans(d.Title), Blocks: make([]Block, len(d.Blocks))}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			b.Text = cleanText(b.Text)
			out.Blocks[i] = b
		case Para:
			b.Text = cleanSpans(b.Text)
			out.Blocks[i] = b
		case List:
			items := make([]Spans, len(b.Items))
			for j, it := range b.Items {
				items[j] = cleanSpans(it)
			}
			out.Blocks[i] = List{Items: items}
		case Summary:
			lines := make([]SummaryLine, len(b.Lines))
			for j, l := range b.Lines {
				lines[j] = SummaryLine{Label: cleanText(l.Label), Value: cleanSpans(l.Value)}
			}
			out.Blocks[i] = Summary{Lines: lines}
		case Pre:
			lines := make([]string, len(b.Lines))
			for j, l := range b.Lines {
				lines[j] = cleanText(l)
			}
			out.Blocks[i] = Pre{Caption: cleanText(b.Caption), Lines: lines}
		case *Table:
			if b == nil {
				out.Blocks[i] = b
				continue
			}
			t := *b
			t.Title, t.Empty, t.Note = cleanText(b.Title), cleanText(b.Empty), cleanText(b.Note)
			t.Columns = make([]Column, len(b.Columns))
			for j, c := range b.Columns {
				c.Header = cleanText(c.Header)
				t.Columns[j] = c
			}
			t.Rows = make([][]Spans, len(b.Rows))
			for j, row := range b.Rows {
				cells := make([]Spans, len(row))
				for k, c := range row {
					cells[k] = cleanSpans(c)
				}
				t.Rows[j] = cells
			}
			out.Blocks[i] = &t
		case *Chart:
			if b == nil {
				out.Blocks[i] = b
				continue
			}
			c := *b
			c.Title, c.XLabel, c.YLabel, c.Unit = cleanText(b.Title), cleanText(b.XLabel), cleanText(b.YLabel), cleanText(b.Unit)
			c.Series = make([]Series, len(b.Series))
			for j, s := range b.Series {
				s.Name = cleanText(s.Name)
				pts := make([]Point, len(s.Points))
				for k, p := range s.Points {
					p.Label, p.Text = cleanText(p.Label), cleanText(p.Text)
					pts[k] = p
				}
				s.Points = pts
				c.Series[j] = s
			}
			c.Marks = make([]Mark, len(b.Marks))
			for j, m := range b.Marks {
				m.Label = cleanText(m.Label)
				c.Marks[j] = m
			}
			out.Blocks[i] = &c
		default:
			out.Blocks[i] = b
		}
	}
	return out
}
