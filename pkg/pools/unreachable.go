package pools

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

// Cause is why a target could not be reached, as one word a script can
// match (UnreachableError.Cause).
type Cause string

// The causes Unreachable tells apart, in the order it tries them: what the
// server said first (it answered, so the network is fine), then the
// network.
const (
	CauseAuth     Cause = "auth"     // the server refused the credentials (or the user does not exist)
	CauseDatabase Cause = "database" // the server has no such database
	CauseDNS      Cause = "dns"      // the host name does not resolve
	CauseRefused  Cause = "refused"  // nothing listens on the port (or a firewall rejects)
	CauseTimeout  Cause = "timeout"  // no answer within the bound
	CauseTLS      Cause = "tls"      // the TLS handshake failed
	CauseOther    Cause = "other"    // anything else: the driver's message alone says it
)

// UnreachableError is a failed reachability check explained: what happened
// (Summary: "authentication failed for user \"app\"") and the driver's own
// message once (Detail), both redacted. It unwraps to the driver's error.
type UnreachableError struct {
	Cause   Cause
	Summary string // empty for CauseOther
	Detail  string
	err     error
}

func (e *UnreachableError) Error() string {
	switch {
	case e.Summary == "":
		return e.Detail
	case e.Detail == "":
		return e.Summary
	}
	return e.Summary + ": " + e.Detail
}

func (e *UnreachableError) Unwrap() error { return e.err }

// Unreachable explains err, the error of a Runner's Ping on t bounded by
// timeout (0: unknown), from the drivers' error types (pgconn.PgError SQLSTATE codes,
// mysql.MySQLError numbers, Redis error prefixes, net and syscall errors,
// context deadlines). The driver's message is kept once: pgx's per-attempt
// list (one line per address and TLS mode) is reduced to the attempt that
// decided. Nil stays nil; an *UnreachableError is returned as is.
func Unreachable(err error, t target.Target, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return err
	}
	cause, summary, leaf := explain(err, t, timeout)
	detail := ""
	if leaf != nil {
		detail = redact.Text(scrubURLSecrets(leaf, t.URL).Error())
	}
	return &UnreachableError{Cause: cause, Summary: redact.Text(summary), Detail: detail, err: err}
}

// explain finds the cause of err, a summary in words and the error whose
// text is the driver's message.
func explain(err error, t target.Target, timeout time.Duration) (Cause, string, error) {
	user, db := urlUserDB(t)
	var pgErr *pgconn.PgError
	var myErr *mysql.MySQLError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &pgErr):
		return serverCause(pgAuth[pgErr.Code], pgErr.Code == "3D000", user, db, pgErr)
	case errors.As(err, &myErr):
		return serverCause(myErr.Number == 1045, myErr.Number == 1049, user, db, myErr)
	case redisServerError(err) != nil:
		re := redisServerError(err)
		msg := re.Error()
		isAuth := strings.HasPrefix(msg, "WRONGPASS") || strings.HasPrefix(msg, "NOAUTH") ||
			strings.HasPrefix(msg, "ERR invalid password") || strings.HasPrefix(msg, "ERR AUTH")
		if user == "" {
			user = "default"
		}
		return serverCause(isAuth, strings.Contains(msg, "DB index is out of range"), user, db, re)
	case errors.As(err, &dnsErr):
		return CauseDNS, fmt.Sprintf("host %q does not resolve", dnsErr.Name), dnsErr
	case errors.Is(err, syscall.ECONNREFUSED):
		return CauseRefused, "connection refused" + at(err), netLeaf(err)
	case isTimeout(err) && timeout > 0:
		return CauseTimeout, fmt.Sprintf("timed out after %v", timeout), timeoutLeaf(err)
	case isTimeout(err):
		return CauseTimeout, "timed out", timeoutLeaf(err)
	case isTLS(err):
		return CauseTLS, "TLS handshake failed", leafOf(err)
	}
	return CauseOther, "", leafOf(err)
}

// pgAuth are the SQLSTATE codes of a refused login: invalid_password
// (28P01) and invalid_authorization_specification (28000: no such role, no
// pg_hba.conf entry).
var pgAuth = map[string]bool{"28P01": true, "28000": true}

// serverCause is the explanation of an error the server answered with.
func serverCause(auth, noDB bool, user, db string, err error) (Cause, string, error) {
	switch {
	case auth && user != "":
		return CauseAuth, fmt.Sprintf("authentication failed for user %q", user), err
	case auth:
		return CauseAuth, "authentication failed", err
	case noDB && db != "":
		return CauseDatabase, fmt.Sprintf("database %q does not exist", db), err
	case noDB:
		return CauseDatabase, "the database does not exist", err
	}
	return CauseOther, "", err
}

// urlUserDB are the user and database t's URL names ("" when it names
// none; a Redis database is its number).
func urlUserDB(t target.Target) (user, db string) {
	u, err := url.Parse(t.URL)
	if err != nil {
		return "", ""
	}
	if u.User != nil {
		user = u.User.Username()
	}
	return user, strings.TrimPrefix(u.Path, "/")
}

// redisServerError is the Redis server's reply in err's chain, or nil.
func redisServerError(err error) error {
	var re interface {
		error
		RedisError()
	}
	if errors.As(err, &re) {
		return re
	}
	return nil
}

// at is " by ADDR" for the address a refused dial went to, when known.
func at(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return " by " + op.Addr.String()
	}
	return ""
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, syscall.ETIMEDOUT) || (errors.As(err, &ne) && ne.Timeout())
}

// timeoutLeaf is the network error of a timeout when there is one ("dial
// tcp 10.0.0.1:5432: i/o timeout"), else nil: "context deadline exceeded"
// says no more than the summary.
func timeoutLeaf(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		return op
	}
	return nil
}

// netLeaf is the *net.OpError in err's chain, else its leaf.
func netLeaf(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		return op
	}
	return leafOf(err)
}

func isTLS(err error) bool {
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var verify *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &rh) || errors.As(err, &alert) || errors.As(err, &verify) ||
		errors.As(err, &unknownCA) || errors.As(err, &host) || errors.As(err, &invalid) {
		return true
	}
	// pgconn and go-sql-driver flatten some handshake failures to text.
	msg := strings.ToLower(leafOf(err).Error())
	return strings.Contains(msg, "tls") || strings.Contains(msg, "x509") || strings.Contains(msg, "certificate")
}

// leafOf is the driver's message in err's chain: below the wrappers that
// repeat what the caller already says ("pool database: ping URL: …",
// pgx's "failed to connect to `user=… database=…`: …") and, of a joined
// list (pgx's attempts, one per address and TLS mode), the last: the
// attempt that ended the connect.
func leafOf(err error) error {
	for {
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return err
			}
			err = errs[len(errs)-1]
		case interface{ Unwrap() error }:
			next := u.Unwrap()
			if next == nil || !repeats(err, next) {
				return err
			}
			err = next
		default:
			return err
		}
	}
}

// repeats reports whether err only wraps next in words the caller already
// has: the same text (a redacting wrapper), the pool's own prefix or pgx's.
// The detail is redacted again at the end, so a redacting wrapper is
// looked through too.
func repeats(err, next error) bool {
	switch err.(type) {
	case redacted, scrubbed:
		return true
	}
	msg := err.Error()
	return msg == next.Error() || strings.HasPrefix(msg, "pool ") || strings.HasPrefix(msg, "failed to connect to ")
}
