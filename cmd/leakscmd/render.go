package leakscmd

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// render writes the report in the chosen format to stdout.
func render(o *Options, rep *Report) error {
	switch o.Format {
	case cmdutil.FormatJSON:
		return renderJSON(o.IO.Out, rep)
	case cmdutil.FormatMarkdown:
		return renderMarkdown(o.IO.Out, rep)
	default:
		return renderTable(o.IO.Out, rep, painter{on: o.IO.ColorEnabled()})
	}
}

func renderJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}
