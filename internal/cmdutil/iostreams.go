package cmdutil

import (
	"bytes"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// IOStreams is the one place that decides about the terminal: data goes to
// Out, progress, warnings and hints to ErrOut. Colour is on only when Out is
// a terminal, NO_COLOR is unset and --no-color was not given; CLICOLOR_FORCE
// (non-empty, not "0") forces it.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	outTTY, errTTY bool
	colorForced    bool
	noColorEnv     bool
	noColorFlag    bool
	Quiet          bool
	Verbose        bool

	widthOf func() int // the terminal's width in columns; nil when unknown
}

// System returns IOStreams on the process's stdin, stdout and stderr.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.outTTY = isTerminal(os.Stdout)
	s.errTTY = isTerminal(os.Stderr)
	s.widthOf = terminalWidth(int(os.Stdout.Fd()))
	_, s.noColorEnv = os.LookupEnv("NO_COLOR")
	if v := os.Getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		s.colorForced = true
	}
	return s
}

// Test returns IOStreams writing to buffers, as if piped. Like the
// process's own stdout and stderr, the writers are safe for concurrent use
// (a signal notice or progress line may be written from another goroutine);
// read the buffers once the command has returned.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: &lockedWriter{w: out}, ErrOut: &lockedWriter{w: errOut}}, in, out, errOut
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// SetTTY pretends stdout and stderr are (or are not) terminals; for tests.
func (s *IOStreams) SetTTY(out, err bool) { s.outTTY, s.errTTY = out, err }

// SetNoColor records --no-color.
func (s *IOStreams) SetNoColor(v bool) { s.noColorFlag = v }

// IsStdoutTTY reports whether Out is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether ErrOut is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// ColorEnabled reports whether output to Out may use colour and styling.
func (s *IOStreams) ColorEnabled() bool {
	if s.noColorFlag {
		return false
	}
	if s.colorForced {
		return true
	}
	return s.outTTY && !s.noColorEnv
}

// ShowProgress reports whether live progress may be drawn on ErrOut.
func (s *IOStreams) ShowProgress() bool { return s.errTTY && !s.Quiet }
