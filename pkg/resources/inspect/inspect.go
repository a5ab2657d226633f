package inspect

import (
	"context"
	"fmt"

	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/target"
)

// Inspect runs the inspector that fits the target's kind (classified from
// its URL when empty); o.Name defaults to t.Name. A SQLite target gives a
// result with an info finding (SQLite has no server sessions); an HTTP one
// is an error. Like the inspectors, it returns a result even with an error,
// marked unreachable.
func Inspect(ctx context.Context, t target.Target, o Options) (*Result, error) {
	if t.Kind == "" {
		k, err := target.KindOf(t.URL)
		if err != nil {
			return nil, err
		}
		t.Kind = k
	}
	if o.Name == "" {
		o.Name = t.Name
	}
	switch t.Kind {
	case target.Postgres:
		return Postgres(ctx, t.URL, o)
	case target.MySQL:
		return MySQL(ctx, t.URL, o)
	case target.Redis:
		return Redis(ctx, t.URL, o)
	case target.SQLite:
	default:
		return nil, fmt.Errorf("%s: a %s target cannot be inspected: use postgres://, mysql:// or redis://", t.Redacted(), t.Kind)
	}
	o, err := o.withDefaults(string(t.Kind))
	if err != nil {
		return nil, err
	}
	r := newResult(o, string(t.Kind), t.URL)
	r.Reachable = true
	r.Findings = append(r.Findings, Finding{
		Severity: resources.SeverityInfo, Code: FindingNotInspected,
		Message: "SQLite runs inside the application: there are no server sessions to inspect",
		Fix:     "use resync report to track the application's own connections",
	})
	o.finish(r, nil)
	return r, nil
}
