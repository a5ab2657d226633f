package observe

import (
	"errors"
	"fmt"

	"github.com/resync-dev/resync/pkg/target"
)

// Skipped is a target observe mode has no source for (SQLite, HTTP).
// A Prometheus endpoint (target.Prometheus, TARGETS.METRICS_URLS) has one.
type Skipped struct {
	Target target.Target
	Reason string
}

// FromTargets returns a source per target that has one, and the targets
// skipped. A source that cannot be set up (a URL the driver refuses) is an
// error naming the target, redacted; nothing is left open then.
func FromTargets(targets []target.Target) ([]Source, []Skipped, error) {
	var out []Source
	var skipped []Skipped
	for _, t := range targets {
		var s Source
		var err error
		switch t.Kind {
		case target.Redis:
			s, err = NewRedis(t.Name, t.URL)
		case target.Pgbouncer:
			s, err = NewPgbouncer(t.Name, t.URL)
		case target.Prometheus:
			s = NewPrometheus(t.Name, t.URL)
		case target.Postgres:
			s, err = NewPostgres(t.Name, t.URL)
		case target.MySQL:
			s, err = NewMySQL(t.Name, t.URL)
		default:
			skipped = append(skipped, Skipped{t, fmt.Sprintf("observe mode has no source for %s targets", t.Kind)})
			continue
		}
		if err != nil {
			CloseAll(out)
			return nil, nil, fmt.Errorf("%s: %w", t, err)
		}
		out = append(out, s)
	}
	return out, skipped, nil
}

// CloseAll closes every source, joining the errors.
func CloseAll(sources []Source) error {
	var errs []error
	for _, s := range sources {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
