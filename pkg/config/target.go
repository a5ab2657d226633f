package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// The kinds of target ParseTargetURL recognises.
const (
	TargetPostgres = "postgres"
	TargetMySQL    = "mysql"
	TargetSQLite   = "sqlite"
	TargetRedis    = "redis"
	TargetHTTP     = "http"
)

// SQLiteMemory is the URL of an in-memory SQLite database.
const SQLiteMemory = "sqlite::memory:"

// schemeKinds maps every accepted URL scheme to its target kind; it is the
// one place that decides which schemes resync speaks.
var schemeKinds = map[string]string{
	"postgres":   TargetPostgres,
	"postgresql": TargetPostgres,
	"mysql":      TargetMySQL,
	"sqlite":     TargetSQLite,
	"redis":      TargetRedis,
	"rediss":     TargetRedis,
	"http":       TargetHTTP,
	"https":      TargetHTTP,
}

// schemeHelp lists the accepted forms per target kind, for messages.
var schemeHelp = map[string]string{
	TargetPostgres: "postgres:// or postgresql://",
	TargetMySQL:    "mysql://",
	TargetSQLite:   "sqlite://PATH or sqlite::memory:",
	TargetRedis:    "redis:// or rediss://",
	TargetHTTP:     "http:// or https://",
}

const allSchemes = "postgres://, postgresql://, mysql://, sqlite://PATH, sqlite::memory:, redis://, rediss:// or http(s)://"

// ParseTargetURL checks a target URL and classifies it as postgres, mysql,
// sqlite, redis or http. Errors never contain the URL's password; they say
// what is wrong and which forms are accepted.
func ParseTargetURL(raw string) (kind string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("empty URL: give a URL such as postgres://user@host:5432/db")
	}
	if strings.EqualFold(raw, SQLiteMemory) {
		return TargetSQLite, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only
		// the reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", fmt.Errorf("malformed URL: %s: check for unescaped characters (percent-encode @, :, / and spaces in passwords)", redact.Text(err.Error()))
	}
	kind, ok := schemeKinds[strings.ToLower(u.Scheme)]
	switch {
	case u.Scheme == "" || (!ok && u.Opaque != ""):
		return "", fmt.Errorf("no scheme: start the URL with one of %s", allSchemes)
	case !ok:
		return "", fmt.Errorf("unsupported scheme %q: use %s", u.Scheme, allSchemes)
	case u.Opaque != "":
		return "", fmt.Errorf("malformed URL: %q must be followed by \"//\": use %s", u.Scheme+":", schemeHelp[kind])
	}
	switch kind {
	case TargetSQLite:
		if u.Host == "" && u.Path == "" {
			return "", errors.New("SQLite URL without a path: use sqlite://PATH (e.g. sqlite://data/app.db), or sqlite::memory: for an in-memory database")
		}
	case TargetPostgres:
		// libpq allows the host in the query (a Unix socket directory).
		if u.Host == "" && u.Query().Get("host") == "" {
			return "", errors.New("no host: use postgres://user@host:5432/db")
		}
	default:
		if u.Hostname() == "" {
			return "", fmt.Errorf("no host: use %s followed by host[:port]", schemeHelp[kind])
		}
	}
	return kind, nil
}

// splitURLs splits a comma-separated list of URLs. A piece that does not
// start with a scheme is glued back to the previous one, so a PostgreSQL
// multi-host URL (postgres://h1,h2/db) survives.
func splitURLs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if len(out) > 0 && !hasScheme(p) {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func hasScheme(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "sqlite:") {
		return true
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for _, r := range s[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
