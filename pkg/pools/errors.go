package pools

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
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
// Error() goes through redact.Text, Unwrap still reaches the original.
type redacted struct{ err error }

func (r redacted) Error() string { return redact.Text(r.err.Error()) }
func (r redacted) Unwrap() error { return r.err }

// redactErr wraps err so that its text is redacted (nil stays nil).
func redactErr(err error) error {
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

// scrubbed is an error whose text had the URL's secrets replaced; it still
// unwraps to the original for errors.Is/As.
type scrubbed struct {
	msg string
	err error
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }

// scrubURLSecrets returns err with every password-like part of rawURL
// replaced by ***, wherever it appears in the message: a driver's parse
// error may quote the password without any URL syntax around it.
func scrubURLSecrets(err error, rawURL string) error {
	msg := err.Error()
	changed := false
	for _, s := range urlSecrets(rawURL) {
		if strings.Contains(msg, s) {
			msg, changed = strings.ReplaceAll(msg, s, redact.Mask), true
		}
	}
	if !changed {
		return err
	}
	return scrubbed{msg: msg, err: err}
}

// urlSecrets are the password of rawURL as net/url sees it and, textually,
// everything between the first colon after "scheme://" and the last @.
func urlSecrets(raw string) []string {
	var out []string
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p)
		}
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			ui := rest[:at]
			if c := strings.IndexByte(ui, ':'); c >= 0 && c+1 < len(ui) {
				// Also without the delimiter a parser split it at: the
				// driver may quote only what came after "?", "/" or "#".
				out = append(out, ui[c+1:])
				if t := strings.TrimLeft(ui[c+1:], "/?#"); t != "" && t != ui[c+1:] {
					out = append(out, t)
				}
			}
		}
	}
	return out
}
