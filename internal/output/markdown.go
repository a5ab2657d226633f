package output

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// writeMarkdown renders d as GitHub-flavoured Markdown for a pull request
// or a CI summary: the title as a level-2 heading, sections as level 3,
// the summary as a bullet list, tables as pipe tables (every cell escaped
// so no text can break its row), hints as quotes. Line and bar charts are
// fenced blocks of their text drawing; sparklines and charts hidden from
// text are left out (the tables carry the same figures).
func writeMarkdown(out io.Writer, d *Doc) error {
	w := &errWriter{w: out}
	if len(d.Title) > 0 {
		w.line("## " + mdSpans(d.Title, false))
		w.line("")
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			w.line("### " + mdLine(b.Text))
			w.line("")
		case Para:
			if b.Faint {
				w.line("> " + mdSpans(b.Text, false))
			} else {
				w.line(mdSpans(b.Text, false))
			}
			w.line("")
		case List:
			for _, it := range b.Items {
				w.line("- " + mdSpans(it, false))
			}
			w.line("")
		case Summary:
			for _, l := range b.Lines {
				if l.Label == "" {
					w.line("- " + mdSpans(l.Value, false))
				} else {
					w.line("- **" + mdLine(l.Label) + "** " + mdSpans(l.Value, false))
				}
			}
			w.line("")
		case Pre:
			if b.Caption != "" {
				w.line(mdLine(b.Caption))
				w.line("")
			}
			fence := mdFence(b.Lines...)
			w.line(fence)
			for _, l := range b.Lines {
				w.line(l)
			}
			w.line(fence)
			w.line("")
		case *Table:
			mdTable(w, b)
		case *Chart:
			if b.Kind == Spark || b.TextHidden || !b.HasData() {
				continue
			}
			var buf strings.Builder
			cw := &errWriter{w: &buf}
			writeChart(cw, b, Options{Width: DefaultWidth})
			drawing := strings.Trim(buf.String(), "\n")
			fence := mdFence(drawing)
			w.line(fence + "text")
			w.line(drawing)
			w.line(fence)
			w.line("")
		}
	}
	return w.err
}

func mdTable(w *errWriter, t *Table) {
	if len(t.Rows) == 0 && t.Empty == "" {
		return
	}
	if t.Title != "" {
		w.line("### " + mdLine(t.Title))
		w.line("")
	}
	if len(t.Rows) == 0 {
		w.line("_" + mdLine(t.Empty) + "_")
		w.line("")
		return
	}
	heads := make([]string, len(t.Columns))
	seps := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		heads[i] = mdText(headerText(c.Header))
		seps[i] = "---"
		if c.Right {
			seps[i] = "---:"
		}
	}
	w.line("| " + strings.Join(heads, " | ") + " |")
	w.line("| " + strings.Join(seps, " | ") + " |")
	for _, row := range t.Rows {
		cells := make([]string, len(t.Columns))
		for i := range t.Columns {
			cells[i] = " "
			if i < len(row) && len(row[i]) > 0 {
				cells[i] = mdSpans(row[i], true)
			}
		}
		w.line("| " + strings.Join(cells, " | ") + " |")
	}
	w.line("")
	if t.Note != "" {
		w.line("_" + mdLine(t.Note) + "_")
		w.line("")
	}
}

// mdSpans renders inline text: code spans back-quoted, Strong and the
// bold tones in bold, the rest escaped. In a table cell line breaks become
// <br>.
func mdSpans(s Spans, cell bool) string {
	var b strings.Builder
	for _, sp := range s {
		text := sp.Text
		if text == "" {
			continue
		}
		if sp.Code {
			for i, l := range strings.Split(normalizeNewlines(text), "\n") {
				if i > 0 {
					b.WriteString(mdBreak(cell))
				}
				b.WriteString(mdCode(l, cell))
			}
			continue
		}
		esc := mdText(text)
		if cell {
			esc = strings.ReplaceAll(esc, "\n", "<br>")
		} else {
			esc = strings.ReplaceAll(esc, "\n", " ")
		}
		switch sp.Tone {
		case Strong, Alarm, Notice, Success:
			lead := len(esc) - len(strings.TrimLeft(esc, " "))
			trail := len(esc) - len(strings.TrimRight(esc, " "))
			if inner := strings.TrimSpace(esc); inner != "" {
				esc = esc[:lead] + "**" + inner + "**" + esc[len(esc)-trail:]
			}
		}
		b.WriteString(esc)
	}
	return b.String()
}

func mdBreak(cell bool) string {
	if cell {
		return "<br>"
	}
	return " "
}

// mdText escapes free text for Markdown: what would start HTML, emphasis,
// strikethrough, a code span, a link or a table column. An underscore
// between two letters or digits stays as it is: GitHub does not read it as
// emphasis inside a word (DB_POOL_MAX_SIZE), and escaping it would make
// the source unreadable; any other underscore (_private_) is escaped.
// Carriage returns are line breaks, as Markdown reads them.
func mdText(s string) string {
	s = normalizeNewlines(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch r {
		case '\\', '|', '*', '`', '[', ']', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '_':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if !alnum(prev) || !alnum(next) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdFence is a code fence longer than any backtick run in the lines, at
// least three backticks, so no line can close it early.
func mdFence(lines ...string) string {
	fence := "```"
	for _, l := range lines {
		for strings.Contains(l, fence) {
			fence += "`"
		}
	}
	return fence
}

// mdLine is mdText on one line: line breaks become spaces (a heading, a
// label).
func mdLine(s string) string { return strings.ReplaceAll(mdText(s), "\n", " ") }

func alnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// mdCode wraps s in a code span with a fence longer than any backtick run
// inside it. In a table cell its pipes are escaped, which GitHub honours
// there (and only there: elsewhere a backslash in code is shown).
func mdCode(s string, cell bool) string {
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	if cell {
		s = codePipes(s)
	}
	return fence + pad + s + pad + fence
}

// codePipes escapes the pipes of a code span in a table cell. GitHub
// splits the row before it reads the code span, and there a backslash
// escapes the character after it, another backslash included: a pipe is
// escaped only after an odd run of backslashes. So a pipe gets one more
// backslash after an even run and two after an odd one (the cell then
// shows one backslash too many, the price of keeping the row whole).
func codePipes(s string) string {
	if !strings.Contains(s, "|") {
		return s
	}
	var b strings.Builder
	run := 0
	for _, r := range s {
		switch r {
		case '\\':
			run++
		case '|':
			if run%2 == 0 {
				b.WriteString(`\`)
			} else {
				b.WriteString(`\\`)
			}
			run = 0
		default:
			run = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerText is a column header for Markdown and HTML: one line, first
// letter capitalised ("hit rate" → "Hit rate").
func headerText(h string) string {
	h = strings.Join(strings.Fields(h), " ")
	r, n := utf8.DecodeRuneInString(h)
	if n == 0 {
		return h
	}
	return string(unicode.ToUpper(r)) + h[n:]
}
