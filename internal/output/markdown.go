package output

import (
	"io"
	"strings"
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
			w.line("### " + mdText(b.Text))
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
					w.line("- **" + mdText(l.Label) + "** " + mdSpans(l.Value, false))
				}
			}
			w.line("")
		case Pre:
			if b.Caption != "" {
				w.line(mdText(b.Caption))
				w.line("")
			}
			w.line("```")
			for _, l := range b.Lines {
				w.line(l)
			}
			w.line("```")
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
			w.line("```text")
			w.line(strings.Trim(buf.String(), "\n"))
			w.line("```")
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
		w.line("### " + mdText(t.Title))
		w.line("")
	}
	if len(t.Rows) == 0 {
		w.line("_" + mdText(t.Empty) + "_")
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
		w.line("_" + mdText(t.Note) + "_")
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
			for i, l := range strings.Split(text, "\n") {
				if i > 0 {
					b.WriteString(mdBreak(cell))
				}
				b.WriteString(mdCode(l))
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

// mdEscaper escapes what would start HTML, emphasis or a table column.
// Underscores stay: GitHub does not read them as emphasis inside a word
// (DB_POOL_MAX_SIZE), and escaping them would make the source unreadable.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "`", "\\`", "[", `\[`, "]", `\]`,
)

// mdText escapes free text for Markdown.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode wraps s in a code span with a fence longer than any backtick run
// inside it; pipes are escaped, which GitHub honours inside table cells.
func mdCode(s string) string {
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
	return fence + pad + strings.ReplaceAll(s, "|", `\|`) + pad + fence
}

// headerText is a column header for Markdown and HTML: one line, first
// letter capitalised ("hit rate" → "Hit rate").
func headerText(h string) string {
	h = strings.Join(strings.Fields(h), " ")
	if h == "" {
		return h
	}
	return strings.ToUpper(h[:1]) + h[1:]
}
