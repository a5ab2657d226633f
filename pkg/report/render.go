package report

import (
	"fmt"
	"io"
)

// Output formats accepted by NewRenderer (the --output words).
const (
	FormatTable    = "table"
	FormatJSON     = "json"
	FormatMarkdown = "markdown"
)

// Formats lists the output formats, in the order help texts show them.
var Formats = []string{FormatTable, FormatJSON, FormatMarkdown}

// Style says how a renderer may decorate its output. The caller decides once
// (cmdutil.IOStreams.ColorEnabled); renderers never look at the terminal.
type Style struct {
	// Color allows ANSI colour and bold. Without it output is plain text
	// with no escape sequence at all.
	Color bool
}

// Renderer writes a finished report. No renderer computes anything: every
// figure comes from the Report as built.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// RendererFunc adapts a function to Renderer.
type RendererFunc func(w io.Writer, r *Report) error

// Render calls f.
func (f RendererFunc) Render(w io.Writer, r *Report) error { return f(w, r) }

// NewRenderer returns the renderer for an --output word: table, json or
// markdown. Only the table renderer uses style.
func NewRenderer(format string, style Style) (Renderer, error) {
	switch format {
	case FormatTable:
		return RendererFunc(func(w io.Writer, r *Report) error { return RenderTable(w, r, style) }), nil
	case FormatJSON:
		return RendererFunc(RenderJSON), nil
	case FormatMarkdown:
		return RendererFunc(RenderMarkdown), nil
	default:
		return nil, fmt.Errorf("unknown output format %q: use table, json or markdown", format)
	}
}
