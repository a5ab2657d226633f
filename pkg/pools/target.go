package pools

import (
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

// Target kinds, as Runner.Kind and Snapshot.Kind report them: the kinds
// of pkg/target.
const (
	KindPostgres = string(target.Postgres)
	KindMySQL    = string(target.MySQL)
	KindSQLite   = string(target.SQLite)
	KindRedis    = string(target.Redis)
	KindHTTP     = string(target.HTTP)
)

// AppName is how every connection identifies itself to the server.
const AppName = "resync"

// parseURL parses a network target URL without ever putting its password in
// an error (url.Parse quotes the whole input).
func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s: fix its syntax (special characters in a password must be percent-encoded)", redact.URL(rawURL))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("URL %s has no host: write %s://host[:port]/…", redact.URL(rawURL), u.Scheme)
	}
	return u, nil
}

// DefaultUserAgent is "resync/<version>", the version being the module
// version the binary was built from ("dev" for a local build).
func DefaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = strings.TrimPrefix(bi.Main.Version, "v")
	}
	return AppName + "/" + v
}
