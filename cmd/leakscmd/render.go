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

// errWriter remembers the first write error, so a run of Fprint calls
// needs one check at the end.
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
		e.err = fmt.Errorf("writing report: %w", err)
	}
	return n, err
}
