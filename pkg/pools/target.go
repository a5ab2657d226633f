package pools

import (
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// Target kinds.
const (
	KindPostgres = "postgres"
	KindMySQL    = "mysql"
	KindSQLite   = "sqlite"
	KindRedis    = "redis"
	KindHTTP     = "http"
)

// AppName is how every connection identifies itself to the server.
const AppName = "resync"

// supportedSchemes is quoted in errors about a URL.
const supportedSchemes = "postgres://, postgresql://, mysql://, sqlite://path (or sqlite::memory:), redis://, rediss://, http:// or https://"

// KindOf returns the target kind of a URL from its scheme, or an error that
// names the (redacted) URL and the supported schemes.
func KindOf(rawURL string) (string, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok || scheme == "" {
		return "", fmt.Errorf("target URL %q has no scheme: use %s", redact.Text(rawURL), supportedSchemes)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return KindPostgres, nil
	case "mysql":
		return KindMySQL, nil
	case "sqlite":
		return KindSQLite, nil
	case "redis", "rediss":
		return KindRedis, nil
	case "http", "https":
		return KindHTTP, nil
	}
	return "", fmt.Errorf("unsupported URL scheme %q in %s: use %s", scheme, redact.Text(rawURL), supportedSchemes)
}

// parseURL parses a network target URL without ever putting its password in
// an error (url.Parse quotes the whole input).
func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s: fix its syntax (special characters in a password must be percent-encoded)", redact.Text(rawURL))
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
