package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/tw"
)

// errWriter remembers the first write error, so a long run of writes needs
// one check at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	if err != nil {
		e.err = fmt.Errorf("writing output: %w", err)
	}
	return n, e.err
}

// textWidth is the width paragraphs, lists and the summary wrap at; --wide
// keeps their lines whole.
func textWidth(o Options) int {
	if o.Wide {
		return 1 << 20
	}
	return o.Width
}

func (e *errWriter) line(s string) { io.WriteString(e, s+"\n") }

// writeText renders d for a terminal: the title (inside the box when the
// document opens with a Summary), then each block; blocks are separated by
// a blank line, a heading sticks to what follows it.
func writeText(out io.Writer, d *Doc, o Options) error {
	d = cleanDoc(d)
	w := &errWriter{w: out}
	th := o.Theme
	blocks := d.Blocks
	if len(blocks) > 0 {
		if s, ok := blocks[0].(Summary); ok {
			writeSummary(w, th, d.Title, s, textWidth(o))
			blocks = blocks[1:]
		} else if len(d.Title) > 0 {
			w.line(th.Spans(boldPlain(d.Title)))
		}
	} else if len(d.Title) > 0 {
		w.line(th.Spans(boldPlain(d.Title)))
	}
	width := textWidth(o)
	// A blank line goes before every block but the first; a heading's
	// block follows it directly.
	blank := len(d.Title) > 0 || len(blocks) < len(d.Blocks)
	for _, b := range blocks {
		if w.err != nil {
			break
		}
		if !shownInText(b) {
			continue
		}
		if blank {
			w.line("")
		}
		blank = true
		switch b := b.(type) {
		case Heading:
			w.line(th.Heading(b.Text))
			blank = false
		case Para:
			for _, l := range wrapSpans(b.Text, width, 0) {
				if b.Faint {
					l = Spans{{Text: l.Plain(), Tone: Faint}}
				}
				w.line(th.Spans(l))
			}
		case List:
			for _, it := range b.Items {
				for i, l := range wrapSpans(it, width-4, 0) {
					lead := "  • "
					if i > 0 {
						lead = "    "
					}
					w.line(lead + th.Spans(l))
				}
			}
		case Summary:
			writeSummary(w, th, nil, b, textWidth(o))
		case Pre:
			if b.Caption != "" {
				w.line(th.Paint(Faint, b.Caption))
			}
			for _, l := range b.Lines {
				w.line("    " + th.Paint(Strong, l))
			}
		case *Table:
			writeTable(w, b, o)
		case *Chart:
			writeChart(w, b, o)
		}
	}
	return w.err
}

// shownInText reports whether b draws anything in text.
func shownInText(b Block) bool {
	switch b := b.(type) {
	case *Table:
		return len(b.Rows) > 0 || b.Empty != "" || b.Title != ""
	case *Chart:
		return b.HasData() && !b.TextHidden
	}
	return true
}

// boldPlain makes the untoned spans of a title bold.
func boldPlain(s Spans) Spans {
	out := make(Spans, len(s))
	for i, sp := range s {
		if sp.Tone == Plain {
			sp.Tone = Strong
		}
		out[i] = sp
	}
	return out
}

// writeSummary draws the boxed overview: the title, then "Label  value"
// lines with the labels padded to one width. A value too wide for the box
// to fit width wraps at its " · " separators onto lines under it.
func writeSummary(w *errWriter, th Theme, title Spans, s Summary, width int) {
	label := 0
	for _, l := range s.Lines {
		label = max(label, ansi.StringWidth(l.Label))
	}
	var lines []string
	if len(title) > 0 {
		lines = append(lines, th.Spans(boldPlain(title)))
	}
	const boxFrame = 4 // border and padding on both sides
	for _, l := range s.Lines {
		if l.Label == "" {
			lines = append(lines, th.Spans(l.Value))
			continue
		}
		indent := strings.Repeat(" ", label+2)
		for i, part := range wrapSeparated(l.Value, " · ", width-boxFrame-label-2) {
			head := indent
			if i == 0 {
				head = l.Label + strings.Repeat(" ", label-ansi.StringWidth(l.Label)+2)
			}
			lines = append(lines, head+th.Spans(part))
		}
	}
	w.line(th.Box(strings.Join(lines, "\n")))
}

// wrapSeparated splits v into lines no wider than width, breaking only at
// spans whose text is sep (dropped at a break); a part wider than width
// stays whole on its line.
func wrapSeparated(v Spans, sep string, width int) []Spans {
	if ansi.StringWidth(v.Plain()) <= width {
		return []Spans{v}
	}
	var out []Spans
	var cur, part Spans
	flush := func() {
		switch {
		case len(cur) == 0:
			cur = part
		case ansi.StringWidth(cur.Plain())+ansi.StringWidth(sep)+ansi.StringWidth(part.Plain()) <= width:
			cur = append(append(cur, Span{Text: sep}), part...)
		default:
			out = append(out, cur)
			cur = part
		}
		part = nil
	}
	for _, sp := range v {
		if sp.Text == sep {
			flush()
			continue
		}
		part = append(part, sp)
	}
	flush()
	return append(out, cur)
}

// writeTable draws t as a box table that fits o.Width: detail columns are
// dropped first, then wrappable columns narrowed; when the table still
// cannot fit, or columns were dropped, a faint note says how to see it
// whole.
func writeTable(w *errWriter, t *Table, o Options) {
	th := o.Theme
	if t.Title != "" {
		w.line(th.Heading(t.Title))
	}
	if len(t.Rows) == 0 {
		if t.Empty != "" {
			w.line(th.Paint(Faint, t.Empty))
		}
		return
	}
	lay := layout(t, o)
	tbl := tablewriter.NewTable(w,
		tablewriter.WithEastAsian(tw.Off), // box characters are one column wide, whatever the locale
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	)
	aligns := make(tw.Alignment, len(lay.cols))
	header := make([]any, len(lay.cols))
	for i, c := range lay.cols {
		aligns[i] = tw.AlignLeft
		if t.Columns[c].Right {
			aligns[i] = tw.AlignRight
		}
		header[i] = strings.ToUpper(t.Columns[c].Header)
	}
	tbl.Configure(func(cfg *tablewriter.Config) {
		cfg.Header.Alignment.PerColumn = aligns
		cfg.Row.Alignment.PerColumn = aligns
	})
	tbl.Header(header...)
	for _, row := range t.Rows {
		cells := make([]string, len(lay.cols))
		for i, c := range lay.cols {
			var cell Spans
			if c < len(row) {
				cell = row[c]
			}
			cells[i] = paintCell(th, cell, lay.widths[i], lay.wrapped[i])
		}
		tbl.Append(cells)
	}
	if err := tbl.Render(); err != nil && w.err == nil {
		w.err = fmt.Errorf("rendering table %q: %w", t.Title, err)
	}
	if t.Note != "" {
		w.line(th.Paint(Faint, t.Note))
	}
	if lay.note != "" {
		w.line(th.Paint(Faint, lay.note))
	}
}

// tableLayout is which columns a text table shows and how wide.
type tableLayout struct {
	cols    []int // indexes into Table.Columns
	widths  []int // content width of each shown column
	wrapped []bool
	note    string
}

// layout fits t into o.Width (unless o.Wide).
func layout(t *Table, o Options) tableLayout {
	var lay tableLayout
	natural := make([]int, len(t.Columns))
	header := make([]int, len(t.Columns)) // headers are never wrapped
	for c, col := range t.Columns {
		for _, h := range strings.Split(col.Header, "\n") {
			header[c] = max(header[c], cellWidth(strings.ToUpper(h)))
		}
		natural[c] = header[c]
		for _, row := range t.Rows {
			if c < len(row) {
				for _, l := range strings.Split(row[c].Plain(), "\n") {
					natural[c] = max(natural[c], cellWidth(l))
				}
			}
		}
	}
	for c := range t.Columns {
		lay.cols = append(lay.cols, c)
	}
	total := func(width map[int]int) int {
		n := 1
		for _, c := range lay.cols {
			w := natural[c]
			if width != nil {
				w = width[c]
			}
			n += w + 3
		}
		return n
	}
	lay.widths = make([]int, 0, len(lay.cols))
	if !o.Wide {
		dropped := 0
		for i := len(lay.cols) - 1; i >= 0 && total(nil) > o.Width; i-- {
			if t.Columns[lay.cols[i]].Detail {
				lay.cols = append(lay.cols[:i], lay.cols[i+1:]...)
				dropped++
			}
		}
		if dropped > 0 {
			lay.note = fmt.Sprintf("%d column%s hidden to fit %d columns: --wide shows all", dropped, Plural(dropped), o.Width)
		}
	}
	width := make(map[int]int, len(lay.cols))
	for _, c := range lay.cols {
		width[c] = natural[c]
	}
	if !o.Wide {
		excess := total(nil) - o.Width
		// Narrow the widest wrappable column first, down to its longest
		// word; break words only when that is not enough.
		for _, breakWords := range []bool{false, true} {
			floor := make(map[int]int, len(lay.cols))
			for _, c := range lay.cols {
				// At least 2: a wide (CJK) character is two cells.
				floor[c] = max(t.Columns[c].Wrap, header[c], 2)
				if !breakWords {
					floor[c] = max(floor[c], min(longestWord(t, c), maxWordFloor))
				}
			}
			for excess > 0 {
				best := -1
				for _, c := range lay.cols {
					if t.Columns[c].Wrap > 0 && width[c] > floor[c] && (best < 0 || width[c] > width[best]) {
						best = c
					}
				}
				if best < 0 {
					break
				}
				width[best]--
				excess--
			}
		}
		// A wrapped column is as wide as its widest wrapped line, which
		// may be less than the width it was given (words do not fill lines
		// exactly): the note tells the width the table really has.
		for _, c := range lay.cols {
			if width[c] < natural[c] {
				width[c] = wrappedWidth(t, c, width[c], header[c])
			}
		}
		if w := total(width); w > o.Width {
			if lay.note != "" {
				lay.note += "; "
			}
			lay.note += fmt.Sprintf("this table is %d columns wide: -o markdown or -o html shows it whole", w)
		}
	}
	for _, c := range lay.cols {
		lay.widths = append(lay.widths, width[c])
		lay.wrapped = append(lay.wrapped, width[c] < natural[c])
	}
	return lay
}

// wrappedWidth is how wide column c is with its cells wrapped at width.
func wrappedWidth(t *Table, c, width, header int) int {
	n := header
	for _, row := range t.Rows {
		if c < len(row) {
			for _, l := range wrapSpans(row[c], width, 0) {
				n = max(n, cellWidth(l.Plain()))
			}
		}
	}
	return n
}

// maxWordFloor caps how wide a column is kept for its longest word (a URL
// may be broken rather than widen the table without end).
const maxWordFloor = 32

// longestWord is the widest space-free run in column c's cells.
func longestWord(t *Table, c int) int {
	n := 0
	for _, row := range t.Rows {
		if c < len(row) {
			for _, f := range strings.Fields(row[c].Plain()) {
				n = max(n, cellWidth(f))
			}
		}
	}
	return n
}

// paintCell renders one cell, wrapped to width when it must be.
func paintCell(th Theme, cell Spans, width int, wrap bool) string {
	if !wrap {
		return th.Spans(cell)
	}
	var lines []string
	for _, l := range wrapSpans(cell, width, 0) {
		lines = append(lines, th.Spans(l))
	}
	return strings.Join(lines, "\n")
}

// wrapSpans breaks inline text into lines of at most width cells, at
// spaces where it can and inside words longer than a line. Existing line
// breaks are kept. Tones follow their text onto every line.
func wrapSpans(s Spans, width, _ int) []Spans {
	if width <= 0 {
		width = DefaultWidth
	}
	var lines []Spans
	var cur Spans
	curW := 0
	flush := func() {
		lines = append(lines, trimRight(cur))
		cur, curW = nil, 0
	}
	for _, sp := range s {
		for pi, part := range strings.Split(sp.Text, "\n") {
			if pi > 0 {
				flush()
			}
			for _, tok := range tokens(part) {
				tw := cellWidth(tok)
				if tok == " " && curW == 0 {
					continue
				}
				if curW+tw > width && curW > 0 && tok != " " {
					flush()
				}
				for tw > width { // a word longer than a line
					head, hw := cutWidth(tok, width)
					cur = append(cur, Span{Text: head, Tone: sp.Tone, Code: sp.Code})
					flush()
					tok = tok[len(head):]
					tw -= hw
				}
				if tok == "" {
					continue
				}
				if tok == " " && curW+1 > width {
					continue
				}
				cur = appendText(cur, Span{Text: tok, Tone: sp.Tone, Code: sp.Code})
				curW += tw
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// cutWidth is the longest head of s at most width cells wide (by
// cellWidth) and its width; at least one character, even one wider than
// width. It reads only the head, so breaking a long word into
// lines stays linear.
func cutWidth(s string, width int) (string, int) {
	n, w := 0, 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		rw := cellWidth(string(r))
		if w+rw > width && n > 0 {
			break
		}
		n += size
		w += rw
	}
	return s[:n], w
}

// cellWidth is how many cells tablewriter gives s: the sum of its runes'
// widths (an emoji with a skin-tone modifier is 4, where a terminal may
// draw 2). Table layout and wrapping measure with it, so the widths they
// plan are the widths drawn.
func cellWidth(s string) int { return twwidth.WidthWithOptions(s, twwidth.Options{}) }

// tokens splits s into words and single spaces.
func tokens(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			out = append(out, " ")
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// appendText adds sp to s, merging it into the last span when they look
// alike.
func appendText(s Spans, sp Span) Spans {
	if n := len(s); n > 0 && s[n-1].Tone == sp.Tone && s[n-1].Code == sp.Code {
		s[n-1].Text += sp.Text
		return s
	}
	return append(s, sp)
}

func trimRight(s Spans) Spans {
	for len(s) > 0 {
		last := &s[len(s)-1]
		last.Text = strings.TrimRight(last.Text, " ")
		if last.Text != "" {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}
