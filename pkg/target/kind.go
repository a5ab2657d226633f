package target

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// Kind is what a target speaks: the protocol resync's pools, inspectors and
// sizing use with it.
type Kind string

// The kinds of target resync speaks.
const (
	Postgres Kind = "postgres"
	MySQL    Kind = "mysql"
	SQLite   Kind = "sqlite"
	Redis    Kind = "redis"
	HTTP     Kind = "http"
	// Pgbouncer is a pgbouncer admin console (TARGETS.PGBOUNCER_URLS):
	// a postgres:// URL whose database is pgbouncer, read by observe mode.
	Pgbouncer Kind = "pgbouncer"
)

// SQLiteMemory is the URL of an in-memory SQLite database.
const SQLiteMemory = "sqlite::memory:"

// schemeKinds maps every accepted URL scheme to its kind; it is the one
// place that decides which schemes resync speaks.
var schemeKinds = map[string]Kind{
	"postgres":   Postgres,
	"postgresql": Postgres,
	"mysql":      MySQL,
	"sqlite":     SQLite,
	"redis":      Redis,
	"rediss":     Redis,
	"http":       HTTP,
	"https":      HTTP,
}

// schemeHelp lists the accepted forms per kind, for messages.
var schemeHelp = map[Kind]string{
	Postgres:  "postgres:// or postgresql://",
	MySQL:     "mysql://",
	SQLite:    "sqlite://PATH or sqlite::memory:",
	Redis:     "redis:// or rediss://",
	HTTP:      "http:// or https://",
	Pgbouncer: "postgres://USER@HOST:6432/pgbouncer (the admin console)",
}

const allSchemes = "postgres://, postgresql://, mysql://, sqlite://PATH, sqlite::memory:, redis://, rediss:// or http(s)://"

// errNoScheme is the error of a URL without a scheme, such as a bare
// host:port. It quotes nothing of the URL: what precedes an @ may be a
// password.
var errNoScheme = errors.New("no scheme: add a scheme such as postgres:// (e.g. postgres://user@host:5432/db); the schemes are " + allSchemes)

// schemeless reports whether raw has no scheme resync knows: no "://" and
// no known scheme before its first colon (host:port, host/db, a path).
// "sqlite:app.db" has one, and gets its own advice from KindOf.
func schemeless(raw string) bool {
	if strings.Contains(raw, "://") {
		return false
	}
	scheme, _, found := strings.Cut(raw, ":")
	_, known := schemeKinds[strings.ToLower(scheme)]
	return !found || !known
}

// Schemes is how URLs of kind k are written, for messages
// ("redis:// or rediss://").
func (k Kind) Schemes() string { return schemeHelp[k] }

// Database reports whether k is one of the SQL kinds (TARGETS.DATABASE_URLS).
func (k Kind) Database() bool { return k == Postgres || k == MySQL || k == SQLite }

// KindOf checks a target URL and classifies it by its scheme. Errors never
// contain the URL's password; they say what is wrong and which forms are
// accepted.
func KindOf(raw string) (Kind, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("empty URL: give a URL such as postgres://user@host:5432/db")
	}
	if strings.EqualFold(raw, SQLiteMemory) {
		return SQLite, nil
	}
	if schemeless(raw) {
		return "", errNoScheme
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", malformed(raw, err)
	}
	kind, ok := schemeKinds[strings.ToLower(u.Scheme)]
	switch {
	case ok && kind != HTTP && u.User == nil && strings.Contains(raw, "@"):
		// postgres://u:/secret@host/db parses, with host "u:" and the
		// password in the path: refuse it rather than dial the wrong host.
		return "", errors.New(userinfoHelp)
	case u.User != nil && strings.Contains(rawUserinfo(raw), "@"):
		// postgres://u:p@ss@host: net/url splits at the last @, drivers
		// may split at the first and dial (and print) "ss@host".
		return "", errors.New(userinfoHelp)
	}
	switch {
	case u.Scheme == "" || (!ok && u.Opaque != ""):
		return "", errNoScheme
	case !ok:
		return "", fmt.Errorf("unsupported scheme %q: use %s", u.Scheme, allSchemes)
	case u.Opaque != "":
		return "", fmt.Errorf("malformed URL: %q must be followed by \"//\": use %s", u.Scheme+":", schemeHelp[kind])
	}
	switch kind {
	case SQLite:
		if u.Host == "" && u.Path == "" {
			return "", errors.New("SQLite URL without a path: use sqlite://PATH (e.g. sqlite://data/app.db), or sqlite::memory: for an in-memory database")
		}
	case Postgres:
		// libpq allows the host in the query (a Unix socket directory).
		// A port alone (postgres://:5432/x) is no host: the driver would
		// quietly use the local socket.
		if u.Hostname() == "" && u.Query().Get("host") == "" {
			return "", errors.New("no host: add a host, e.g. postgres://user@host:5432/db")
		}
	case MySQL:
		if u.Hostname() == "" && u.Query().Get("socket") == "" {
			return "", errors.New("no host: add a host, e.g. mysql://user@host:3306/db, or mysql://user@/db?socket=/path/to/mysqld.sock")
		}
	default:
		if u.Hostname() == "" {
			return "", fmt.Errorf("no host: add a host, e.g. %s followed by host[:port]", schemeHelp[kind])
		}
	}
	if kind != SQLite {
		if err := checkPort(u.Port()); err != nil {
			return "", err
		}
	}
	return kind, nil
}

// checkPort refuses a port url.Parse accepts (any digits) but no network
// does: 0 and above 65535.
func checkPort(p string) error {
	if p == "" {
		return nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("invalid port %s: use a port from 1 to 65535", p)
	}
	return nil
}

// userinfoHelp explains a URL whose user:password part does not parse,
// without quoting any of it.
const userinfoHelp = "malformed URL: the user:password part (before the last @) contains a character that must be percent-encoded: / as %2F, # as %23, ? as %3F, @ as %40, : as %3A, % as %25, space as %20"

// malformed explains url.Parse's err about raw without quoting any of raw's
// user:password part: url.Parse's reason would quote a piece of the
// password (`invalid port ":S3cr" after host`), so it is asked again about
// the URL without it.
func malformed(raw string, err error) error {
	if masked, ok := withoutUserinfo(raw); ok {
		if _, err = url.Parse(masked); err == nil {
			return errors.New(userinfoHelp)
		}
	}
	return fmt.Errorf("malformed URL: %s: check for unescaped characters (percent-encode @, :, / and spaces in passwords)", urlReason(err))
}

// withoutUserinfo is raw with its userinfo (rawUserinfo) replaced by
// "user"; false when raw has none.
func withoutUserinfo(raw string) (string, bool) {
	ui := rawUserinfo(raw)
	if ui == "" {
		return "", false
	}
	i := strings.Index(raw, "://") + 3
	return raw[:i] + "user" + raw[i+len(ui):], true
}

// rawUserinfo is what may be a user and password in raw, as text: between
// "://" and the last @ ("" when there is no such @).
func rawUserinfo(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	at := strings.LastIndexByte(raw[i+3:], '@')
	if at < 0 {
		return ""
	}
	return raw[i+3 : i+3+at]
}

// urlReason is a url.Parse error without the URL it quotes (password
// included), redacted all the same.
func urlReason(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return redact.Text(err.Error())
}
