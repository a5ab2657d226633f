package pools

import (
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// newSQLite opens sqlite://path (sqlite:///abs/path for an absolute one) or
// sqlite::memory:, with modernc.org/sqlite (pure Go). A query string is
// passed to the driver (e.g. ?_pragma=busy_timeout(5000)). Every pooled
// connection to :memory: has its own private database.
func newSQLite(rawURL string, _ Options, op Operation) (*sqlDriver, error) {
	rest := rawURL[len("sqlite:"):]
	rest = strings.TrimPrefix(rest, "//")
	if rest == "" {
		return nil, fmt.Errorf("sqlite URL %q has no path: write sqlite://file.db or sqlite:///abs/file.db, or sqlite::memory: for an in-memory database", rawURL)
	}
	connector, err := sqlite.NewConnector(rest)
	if err != nil {
		return nil, err
	}
	q := op.Query
	if q == "" {
		q = "SELECT 1"
	}
	return &sqlDriver{connector: connector, query: q, usable: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se)
	}}, nil
}
