// Package cmdutil holds what every resync command shares: the IOStreams
// that decide about the terminal, the Factory that hands out configuration,
// typed errors with their exit codes, and validating flag values.
package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/resync-dev/resync/pkg/config"
)

// Exit codes, documented in every command's help under EXIT STATUS.
const (
	ExitOK          = 0   // success
	ExitError       = 1   // runtime error
	ExitUsage       = 2   // usage or configuration error
	ExitFinding     = 3   // a threshold or finding failed (--threshold, --fail-on, --fail-under-score, --fail-on-leaks)
	ExitInterrupted = 130 // interrupted by SIGINT/SIGTERM; the partial report was still printed
)

// ExitStatusHelp is appended to every command's long help.
const ExitStatusHelp = `EXIT STATUS
  0    ok
  1    runtime error, or a target unreachable at the start (or, in load
       commands, failing its first 20 operations alike); the report is
       still printed and a crossed threshold (3) takes precedence
  2    usage or configuration error (bad flag, config key, URL or input file)
  3    a threshold or finding failed (--threshold, --fail-on,
       --fail-under-score, --fail-on-leaks)
  130  interrupted (SIGINT/SIGTERM); the partial report is still printed`

// UsageError is bad input from the user: a flag, a config value, a URL, a
// file. It maps to exit code 2. The message must name the input and the fix.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// FindingError means the command ran and its output is valid, but a
// threshold the user asked to enforce was crossed. It maps to exit code 3.
type FindingError struct{ Reason string }

func (e *FindingError) Error() string { return e.Reason }

// ErrSilent signals a failure whose message was already printed.
var ErrSilent = errors.New("silent error")

// ExitCode maps an error returned by a command to the process exit code.
// It is the only place that decides exit codes: the domain packages' errors
// carry no codes, and nothing below main exits.
func ExitCode(err error) int {
	var usage *UsageError
	var finding *FindingError
	var cfg *config.Error
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &finding):
		return ExitFinding
	case errors.As(err, &usage), errors.As(err, &cfg):
		return ExitUsage
	default:
		return ExitError
	}
}
