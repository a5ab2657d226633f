package cmdutil

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/term"

	"github.com/resync-dev/resync/internal/output"
)

// Printer writes a command's finished result: to stdout in the -o format
// and, with --output-file, to that file too. It is the one place that
// turns the global output flags into renderer options.
type Printer struct {
	IO *IOStreams
	// Format is the stdout format (-o); FormatSet says it was given.
	Format    output.Format
	FormatSet bool
	// Wide turns off fitting text tables to the terminal (--wide).
	Wide bool
	// File is --output-file: written atomically, in the format its
	// extension names (.json, .md, .html, .txt), else -o when given, else
	// JSON.
	File string
}

// Printer returns the Printer for this invocation's global flags.
func (f *Factory) Printer() *Printer {
	return &Printer{
		IO: f.IO, Format: output.Format(f.Global.Format()), FormatSet: f.Global.OutputSet,
		Wide: f.Global.Wide, File: f.Global.OutputFile,
	}
}

// Check rejects an --output-file that could not be written before any work
// is done: its directory must exist. It is a usage error (exit 2).
func (p *Printer) Check() error {
	if p.File == "" {
		return nil
	}
	dir := filepath.Dir(p.File)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return Usagef("--output-file %s: directory %s does not exist", p.File, dir)
	}
	return nil
}

// FileFormat is the format --output-file gets.
func (p *Printer) FileFormat() output.Format {
	if f, ok := output.FormatForPath(p.File); ok {
		return f
	}
	if p.FormatSet {
		return p.Format
	}
	return output.JSON
}

// Print renders r: into File first (so a file that cannot be written is
// reported before anything else is), then to stdout.
func (p *Printer) Print(r output.Result) error {
	if p.File != "" {
		if err := output.WriteFile(p.File, r, output.Options{Format: p.FileFormat()}); err != nil {
			return err
		}
		if !p.IO.Quiet {
			defer fmt.Fprintf(p.IO.ErrOut, "wrote %s (%s)\n", p.File, p.FileFormat())
		}
	}
	return output.Render(p.IO.Out, r, p.options())
}

// options are the stdout renderer's: colour as IOStreams decides, tables
// fitted to the terminal's width (80 when it is not a terminal).
func (p *Printer) options() output.Options {
	return output.Options{
		Format: p.Format,
		Theme:  output.Theme{Color: p.IO.ColorEnabled()},
		Width:  p.IO.TerminalWidth(),
		Wide:   p.Wide,
	}
}

// TerminalWidth is stdout's width in columns when it is a terminal at least
// output.DefaultWidth wide, and output.DefaultWidth otherwise, so piped
// output is stable.
func (s *IOStreams) TerminalWidth() int {
	if !s.outTTY || s.widthOf == nil {
		return output.DefaultWidth
	}
	if w := s.widthOf(); w > output.DefaultWidth {
		return w
	}
	return output.DefaultWidth
}

func terminalWidth(fd int) func() int {
	return func() int {
		w, _, err := term.GetSize(fd)
		if err != nil {
			return 0
		}
		return w
	}
}
