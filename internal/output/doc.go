// Package output is resync's one output layer. Every command builds a
// finished, typed result; the result describes itself as a Doc (headings,
// summary lines, tables and charts of values it already holds), and one
// Renderer per format writes it: text tables for people, Markdown for pull
// requests, a self-contained HTML page with charts, or the result's own
// JSON. Renderers compute nothing: every number they show was formatted by
// the result's Doc method from a figure the result carries, and JSON is the
// result value itself.
//
// The package also holds the shared presentation pieces — the Theme
// (colour only when the caller says so), the number, duration and percent
// formatters — so no command carries its own.
package output

// Doc is a result's presentation: a title, then blocks in reading order.
// It is plain data; renderers decide how each block looks in their format.
type Doc struct {
	// Title is the document's first line ("resync report · …"): bold in
	// text, a heading in Markdown, the page title in HTML.
	Title Spans
	// Blocks follow the title in order.
	Blocks []Block
}

// Add appends blocks and returns d, for chaining. Nil blocks (a nil
// *Table from a builder with nothing to show) are skipped.
func (d *Doc) Add(b ...Block) *Doc {
	for _, x := range b {
		switch v := x.(type) {
		case nil:
			continue
		case *Table:
			if v == nil {
				continue
			}
		case *Chart:
			if v == nil {
				continue
			}
		}
		d.Blocks = append(d.Blocks, x)
	}
	return d
}

// Block is one of Heading, Para, List, Summary, Pre, Table or Chart.
type Block interface{ block() }

// Heading starts a section.
type Heading struct{ Text string }

// Para is a paragraph of inline text. A Faint paragraph is a hint: dimmed
// in text, quoted in Markdown.
type Para struct {
	Text  Spans
	Faint bool
}

// List is a bullet list; each item is inline text.
type List struct{ Items []Spans }

// Summary is the boxed overview at the top of a report: one labelled line
// per row ("Health  DEGRADED").
type Summary struct {
	Lines []SummaryLine
}

// SummaryLine is one row of a Summary; an empty Label continues the title.
type SummaryLine struct {
	Label string
	Value Spans
}

// Pre is preformatted text to paste as it stands (settings, commands):
// indented and bold in text, a fenced block in Markdown, <pre> in HTML.
type Pre struct {
	// Caption is a faint line above it ("Settings to paste …").
	Caption string
	Lines   []string
}

func (Pre) block()     {}
func (Heading) block() {}
func (Para) block()    {}
func (List) block()    {}
func (Summary) block() {}
func (*Table) block()  {}
func (*Chart) block()  {}

// Tone is what a piece of text means; the Theme maps it to a style.
type Tone uint8

// Tones.
const (
	Plain   Tone = iota
	Strong       // bold
	Faint        // dimmed: units, hints
	Good         // green: healthy, reachable, excellent
	Warn         // yellow: degraded, warning, fair
	Bad          // red: critical, unreachable, poor
	Info         // cyan: info, chart ink
	Alarm        // bold red: CRITICAL health
	Notice       // bold yellow: DEGRADED health, PARTIAL
	Success      // bold green: HEALTHY
)

// Span is a run of text with one tone. Code spans are settings or URLs the
// reader may paste: back-quoted in Markdown, <code> in HTML.
type Span struct {
	Text string
	Tone Tone
	Code bool
}

// Spans is inline text: spans in order.
type Spans []Span

// S is plain inline text.
func S(text string) Spans { return Spans{{Text: text}} }

// T is inline text in one tone.
func T(tone Tone, text string) Spans { return Spans{{Text: text, Tone: tone}} }

// Code is inline text to paste.
func Code(text string) Spans { return Spans{{Text: text, Code: true}} }

// Join concatenates inline texts with sep between them.
func Join(sep string, parts ...Spans) Spans {
	var out Spans
	for i, p := range parts {
		if i > 0 && sep != "" {
			out = append(out, Span{Text: sep})
		}
		out = append(out, p...)
	}
	return out
}

// Plain returns the text without tones.
func (s Spans) Plain() string {
	n := 0
	for _, sp := range s {
		n += len(sp.Text)
	}
	b := make([]byte, 0, n)
	for _, sp := range s {
		b = append(b, sp.Text...)
	}
	return string(b)
}
