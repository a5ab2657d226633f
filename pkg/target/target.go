// Package target is resync's one target layer: a target's URL is parsed,
// classified (one scheme table) and named (one naming rule) here, once, and
// the resulting Target is what pools, inspectors and sizing are given.
// MySQLConfig is the one conversion of a mysql:// URL into the driver's
// configuration. The package imports only the standard library, the MySQL
// driver and pkg/redact, so every layer can use it.
package target

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// The names of the configured targets: Name(DatabaseBase, i) for
// TARGETS.DATABASE_URLS[i], RedisName for TARGETS.REDIS_URL, Name(HTTPBase,
// i) for TARGETS.HTTP_URLS[i].
const (
	DatabaseBase = "database"
	RedisName    = "redis"
	HTTPBase     = "http"
	// PgbouncerBase names TARGETS.PGBOUNCER_URLS[i]: Name(PgbouncerBase, i).
	PgbouncerBase = "pgbouncer"
)

// The configuration keys the targets come from, as errors name them.
const (
	KeyDatabaseURLs  = "TARGETS.DATABASE_URLS"
	KeyRedisURL      = "TARGETS.REDIS_URL"
	KeyHTTPURLs      = "TARGETS.HTTP_URLS"
	KeyPgbouncerURLs = "TARGETS.PGBOUNCER_URLS"
)

// Target is one server resync talks to.
//
// URL is the raw URL, credentials included: it is what drivers are given,
// and must never be printed as is. Every printing path of a Target — String,
// fmt's verbs (%v, %+v, %#v, %s, %q), JSON and slog — shows Redacted instead.
type Target struct {
	Name string // "database", "database2", "redis", "http", …
	Kind Kind
	URL  string // raw, with secrets: print only through Redacted
}

// New classifies raw and returns the Target named name.
func New(name, raw string) (Target, error) {
	kind, err := KindOf(raw)
	if err != nil {
		return Target{}, err
	}
	return Target{Name: name, Kind: kind, URL: raw}, nil
}

// Name is the one naming rule of numbered targets: base for the first (i
// = 0), then base2, base3, …
func Name(base string, i int) string {
	if i == 0 {
		return base
	}
	return base + strconv.Itoa(i+1)
}

// Redacted is the URL with its password and secret parameters hidden.
func (t Target) Redacted() string { return redact.URL(t.URL) }

// String is "name (redacted URL)".
func (t Target) String() string { return t.Name + " (" + t.Redacted() + ")" }

// Format prints the Target with its URL redacted, whatever the verb: %v and
// %s print String, %+v and %#v the fields, %q String quoted.
func (t Target) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "target.Target{Name:%q, Kind:%q, URL:%q}", t.Name, string(t.Kind), t.Redacted())
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Name:%s Kind:%s URL:%s}", t.Name, t.Kind, t.Redacted())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(t.String()))
	default:
		fmt.Fprint(f, t.String())
	}
}

// MarshalJSON writes {"name", "kind", "url"} with the URL redacted.
func (t Target) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name string `json:"name"`
		Kind Kind   `json:"kind"`
		URL  string `json:"url"`
	}{t.Name, t.Kind, t.Redacted()})
}

// LogValue logs the Target as a group with its URL redacted.
func (t Target) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", t.Name), slog.String("kind", string(t.Kind)), slog.String("url", t.Redacted()))
}

// Error is a target URL that FromURLs refused: which key, which entry, why.
// Its text is redacted.
type Error struct {
	Key   string // KeyDatabaseURLs, KeyRedisURL or KeyHTTPURLs
	Index int    // the entry of a list key (0 for KeyRedisURL)
	Err   error
}

func (e *Error) Error() string {
	key := e.Key
	if e.Key != KeyRedisURL {
		key += "[" + strconv.Itoa(e.Index) + "]"
	}
	return key + ": " + redact.Text(e.Err.Error())
}

func (e *Error) Unwrap() error { return e.Err }

// FromURLs classifies and names the configured targets, in this order:
// database, database2, … for dbURLs; redis for redisURL (when not empty);
// http, http2, … for httpURLs. A URL that is malformed, of an unknown scheme
// or of the wrong kind for its key is an *Error.
func FromURLs(dbURLs []string, redisURL string, httpURLs []string) ([]Target, error) {
	var out []Target
	add := func(key string, i int, name, raw string, fits func(Kind) bool) error {
		t, err := New(name, raw)
		if err == nil && !fits(t.Kind) {
			err = fmt.Errorf("%s is a %s URL: it belongs in %s", redact.URL(raw), t.Kind, keyFor(t.Kind))
		}
		if err != nil {
			return &Error{Key: key, Index: i, Err: err}
		}
		out = append(out, t)
		return nil
	}
	for i, u := range dbURLs {
		if err := add(KeyDatabaseURLs, i, Name(DatabaseBase, i), u, Kind.Database); err != nil {
			return nil, err
		}
	}
	if redisURL != "" {
		if err := add(KeyRedisURL, 0, RedisName, redisURL, func(k Kind) bool { return k == Redis }); err != nil {
			return nil, err
		}
	}
	for i, u := range httpURLs {
		if err := add(KeyHTTPURLs, i, Name(HTTPBase, i), u, func(k Kind) bool { return k == HTTP }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// keyFor is the configuration key that takes URLs of kind k.
func keyFor(k Kind) string {
	switch k {
	case Redis:
		return KeyRedisURL
	case HTTP:
		return KeyHTTPURLs
	default:
		return KeyDatabaseURLs
	}
}

// PgbouncerConsoleDB is the database name of pgbouncer's admin console.
const PgbouncerConsoleDB = "pgbouncer"

// Pgbouncers classifies and names the pgbouncer admin consoles of
// TARGETS.PGBOUNCER_URLS: pgbouncer, pgbouncer2, …, of kind Pgbouncer. A
// URL must be postgres:// (or postgresql://) with the database pgbouncer;
// anything else is an *Error.
func Pgbouncers(urls []string) ([]Target, error) {
	var out []Target
	for i, raw := range urls {
		if err := CheckPgbouncer(raw); err != nil {
			return nil, &Error{Key: KeyPgbouncerURLs, Index: i, Err: err}
		}
		out = append(out, Target{Name: Name(PgbouncerBase, i), Kind: Pgbouncer, URL: raw})
	}
	return out, nil
}

// CheckPgbouncer says why raw is not a pgbouncer admin console URL, or nil.
// The error never quotes the password.
func CheckPgbouncer(raw string) error {
	kind, err := KindOf(raw)
	if err != nil {
		return err
	}
	if kind != Postgres {
		return fmt.Errorf("a %s URL is no pgbouncer console: use %s", kind, Pgbouncer.Schemes())
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return err
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != PgbouncerConsoleDB {
		return fmt.Errorf("database %q is not pgbouncer's admin console (its SHOW commands answer only on database pgbouncer): use %s",
			db, Pgbouncer.Schemes())
	}
	return nil
}
