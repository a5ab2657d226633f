package pools

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// sqlConn is one database/sql driver connection, used directly (no
// database/sql pool in between), so a pooled connection is exactly one
// server connection.
type sqlConn = driver.Conn

// sqlDriver runs MySQL/MariaDB and SQLite through their driver.Connector.
type sqlDriver struct {
	connector driver.Connector
	query     string
	tag       string // prefixed to script statements (mysqlQueryTag)
	// usable reports whether err leaves the connection usable (a server or
	// SQL error rather than a broken connection).
	usable func(err error) bool
}

func (d *sqlDriver) Dial(ctx context.Context) (sqlConn, error) { return d.connector.Connect(ctx) }

func (d *sqlDriver) Ping(ctx context.Context, c sqlConn) error {
	if p, ok := c.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return runQuery(ctx, c, "SELECT 1")
}

func (d *sqlDriver) Close(c sqlConn) error { return c.Close() }

func (d *sqlDriver) exec(ctx context.Context, c sqlConn) error { return runQuery(ctx, c, d.query) }

func (d *sqlDriver) broken(c sqlConn, err error) bool {
	if isCtxErr(err) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	if v, ok := c.(driver.Validator); ok && !v.IsValid() {
		return true
	}
	return !d.usable(err)
}

// runQuery runs q without arguments and reads every row.
func runQuery(ctx context.Context, c sqlConn, q string) error {
	qc, ok := c.(driver.QueryerContext)
	if !ok {
		return fmt.Errorf("driver connection %T cannot run queries", c)
	}
	return drain(qc.QueryContext(ctx, q, nil))
}
