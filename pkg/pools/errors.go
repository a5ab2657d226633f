package pools

import (
	"context"
	"errors"
	"fmt"

	"github.com/resync-dev/resync/pkg/config"
)

// ErrClosed is returned by Acquire on a closed pool (or to waiters when the
// pool closes under them).
var ErrClosed = errors.New("pool is closed")

// timeoutError is an Acquire that got no connection within ConnectTimeout.
// It matches context.DeadlineExceeded with errors.Is.
type timeoutError struct {
	pool    string
	timeout string
	detail  string
	last    error // last dial error, if any
}

func (e *timeoutError) Error() string {
	msg := fmt.Sprintf("pool %s: no connection within the connect timeout %s (%s)", e.pool, e.timeout, e.detail)
	if e.last != nil {
		msg += ": last dial error: " + e.last.Error()
	}
	return msg
}

func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func (e *timeoutError) Unwrap() error { return e.last }

// redacted wraps a driver error whose text may hold a URL with a password:
// Error() goes through config.RedactText, Unwrap still reaches the original.
type redacted struct{ err error }

func (r redacted) Error() string { return config.RedactText(r.err.Error()) }
func (r redacted) Unwrap() error { return r.err }

// redact wraps err so that its text is redacted (nil stays nil).
func redact(err error) error {
	if err == nil {
		return nil
	}
	var r redacted
	if errors.As(err, &r) {
		return err
	}
	return redacted{err}
}

// isCtxErr reports whether err comes from a context ending.
func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
