package pools

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgConn is one PostgreSQL connection.
type pgConn = *pgx.Conn

// postgres dials one pgx.Conn per pooled connection.
type postgres struct {
	cfg     *pgx.ConnConfig
	query   string
	timeout time.Duration // for Close
}

// newPostgres parses a postgres:// or postgresql:// URL (any libpq
// connection string works). application_name is always resync, even when
// the URL sets another: leak inspection finds resync's sessions by it.
func newPostgres(rawURL string, o Options, op Operation) (*postgres, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, err // pgx redacts the password; Open redacts again
	}
	cfg.RuntimeParams["application_name"] = AppName
	cfg.ConnectTimeout = o.ConnectTimeout
	q := op.Query
	if q == "" {
		q = "SELECT 1"
	}
	return &postgres{cfg: cfg, query: q, timeout: o.ConnectTimeout}, nil
}

func (d *postgres) Dial(ctx context.Context) (pgConn, error) { return pgx.ConnectConfig(ctx, d.cfg) }

func (d *postgres) Ping(ctx context.Context, c pgConn) error { return c.Ping(ctx) }

func (d *postgres) Close(c pgConn) error {
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	return c.Close(ctx)
}

// exec runs the query with the simple protocol (no arguments), so nothing is
// prepared or cached on the server.
func (d *postgres) exec(ctx context.Context, c pgConn) error {
	_, err := c.Exec(ctx, d.query)
	return err
}

// broken: a server error (*pgconn.PgError) leaves the connection usable;
// anything else (network, protocol, an interrupted query) does not.
func (d *postgres) broken(c pgConn, err error) bool {
	var pgErr *pgconn.PgError
	return c.IsClosed() || isCtxErr(err) || !errors.As(err, &pgErr)
}
