package inspect

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
)

// KindOf returns the inspector kind for a URL's scheme: postgres, mysql or
// redis; "" with an error naming the scheme otherwise.
func KindOf(rawURL string) (string, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok {
		return "", fmt.Errorf("%q is not a URL: use postgres://, mysql:// or redis://", redact.Text(rawURL))
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return KindPostgres, nil
	case "mysql":
		return KindMySQL, nil
	case "redis", "rediss":
		return KindRedis, nil
	case "sqlite":
		return "sqlite", nil
	}
	if _, err := url.Parse(rawURL); err != nil {
		return "", fmt.Errorf("%q is not a URL: use postgres://, mysql:// or redis://", redact.Text(rawURL))
	}
	return "", fmt.Errorf("%s: scheme %q cannot be inspected: use postgres://, mysql:// or redis://", redact.URL(rawURL), scheme)
}

// Inspect runs the inspector that fits the URL's scheme. A SQLite URL gives
// a result with an info finding (SQLite has no server sessions). Like the
// inspectors, it returns a result even with an error, marked unreachable.
func Inspect(ctx context.Context, rawURL string, o Options) (*Result, error) {
	kind, err := KindOf(rawURL)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindPostgres:
		return Postgres(ctx, rawURL, o)
	case KindMySQL:
		return MySQL(ctx, rawURL, o)
	case KindRedis:
		return Redis(ctx, rawURL, o)
	}
	o, err = o.withDefaults(kind)
	if err != nil {
		return nil, err
	}
	r := newResult(o, kind, rawURL)
	r.Reachable = true
	r.Findings = append(r.Findings, Finding{
		Severity: resources.SeverityInfo, Code: FindingNotInspected,
		Message: "SQLite runs inside the application: there are no server sessions to inspect",
		Fix:     "use resync report to track the application's own connections",
	})
	o.finish(r, nil)
	return r, nil
}
