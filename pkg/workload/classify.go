package workload

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
)

// ErrorClass is what kind of failure an operation met.
type ErrorClass int

// Error classes, in the order Classify tries them.
const (
	ClassCanceled ErrorClass = iota // the run's context was cancelled (Ctrl-C)
	ClassTimeout                    // a deadline passed: the operation's, the pool's, a socket's
	ClassRefused                    // the connection was refused (nothing listening, or full)
	ClassReset                      // the connection broke: reset, closed, EOF, broken pipe
	ClassServer                     // the server answered with an error (SQL error, Redis error, HTTP 5xx)
	ClassOther                      // anything else
	numClasses
)

var classNames = [numClasses]string{"canceled", "timeout", "refused", "reset", "server", "other"}

func (c ErrorClass) String() string {
	if c < 0 || c >= numClasses {
		return "unknown"
	}
	return classNames[c]
}

// Classify names the kind of an operation's error. It looks at the error
// chain first (context errors, net.Error timeouts, syscall errnos, driver
// error types identified by their methods) and only falls back to the
// error's text, for drivers that flatten their errors into strings.
func Classify(err error) ErrorClass {
	if c, ok := classifyChain(err); ok {
		return c
	}
	return classifyText(err.Error())
}

func classifyChain(err error) (ErrorClass, bool) {
	var netErr net.Error
	var sqlState interface{ SQLState() string }
	var redisErr interface{ RedisError() }
	var status interface{ StatusCode() int }
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, syscall.ETIMEDOUT):
		return ClassTimeout, true
	case errors.Is(err, context.Canceled):
		return ClassCanceled, true
	case errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, driver.ErrBadConn):
		return ClassReset, true
	case errors.As(err, &sqlState):
		if sqlState.SQLState() == "57014" { // query_canceled: statement_timeout
			return ClassTimeout, true
		}
		return ClassServer, true
	case errors.As(err, &redisErr):
		return ClassServer, true
	case errors.As(err, &status) && status.StatusCode() >= 500:
		return ClassServer, true
	}
	return 0, false
}

var (
	// MySQL errors print as "Error 1040 (08004): Too many connections"; HTTP
	// status errors as "… status 503 …".
	mysqlErrRE  = regexp.MustCompile(`^Error \d{4}\b`)
	httpCodeRE  = regexp.MustCompile(`(?i)\b(status|status code|http) ?:? ?5\d\d\b`)
	timeoutText = []string{"timeout", "timed out", "deadline exceeded"}
	resetText   = []string{"connection reset", "broken pipe", "unexpected eof", "eof", "use of closed",
		"connection closed", "invalid connection", "bad connection", "conn closed", "server closed"}
)

func classifyText(msg string) ErrorClass {
	lower := strings.ToLower(msg)
	contains := func(words []string) bool {
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.Contains(lower, "context canceled"):
		return ClassCanceled
	case contains(timeoutText):
		return ClassTimeout
	case strings.Contains(lower, "connection refused"):
		return ClassRefused
	case contains(resetText):
		return ClassReset
	case mysqlErrRE.MatchString(msg), httpCodeRE.MatchString(msg), strings.Contains(lower, "server error"):
		return ClassServer
	default:
		return ClassOther
	}
}

// ErrorCounts are failed operations by class.
type ErrorCounts struct {
	Timeout  uint64 `json:"timeout"`
	Refused  uint64 `json:"refused"`
	Reset    uint64 `json:"reset"`
	Canceled uint64 `json:"canceled"`
	Server   uint64 `json:"server"`
	Other    uint64 `json:"other"`
}

// Total is the sum over all classes.
func (e ErrorCounts) Total() uint64 {
	return e.Timeout + e.Refused + e.Reset + e.Canceled + e.Server + e.Other
}

func countsFrom(a [numClasses]uint64) ErrorCounts {
	return ErrorCounts{
		Timeout: a[ClassTimeout], Refused: a[ClassRefused], Reset: a[ClassReset],
		Canceled: a[ClassCanceled], Server: a[ClassServer], Other: a[ClassOther],
	}
}
