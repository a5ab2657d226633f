package pools

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"
)

// Stmt is one SQL statement of a script, with its bind arguments (never
// spliced into the text).
type Stmt struct {
	SQL  string
	Args []any
}

// Placeholder styles of SQLRunner.Placeholder.
const (
	PlaceholderDollar   = "dollar"   // $1, $2, … (PostgreSQL)
	PlaceholderQuestion = "question" // ? (MySQL, SQLite)
)

// SQLRunner is implemented by every Runner; DoStatements works on the SQL
// kinds (postgres, mysql, sqlite) and Placeholder is "" on the others.
type SQLRunner interface {
	Runner
	// Placeholder is the bind-parameter style of the kind's driver.
	Placeholder() string
	// DoStatements acquires a connection, runs stmts in order on it, all of
	// them bounded by OperationTimeout, and releases it. done, when not
	// nil, is called after each statement that succeeded with its index
	// and latency. A failed statement ends the script: a connection left
	// inside a transaction is destroyed, not returned to the pool.
	DoStatements(ctx context.Context, stmts []Stmt, done func(i int, d time.Duration)) error
}

// stmtDriver is implemented by the drivers of the SQL kinds.
type stmtDriver[C any] interface {
	placeholder() string
	execStmts(ctx context.Context, c C, stmts []Stmt, done func(int, time.Duration)) (keep bool, err error)
}

func (r *runner[C]) Placeholder() string {
	if d, ok := r.drv.(stmtDriver[C]); ok {
		return d.placeholder()
	}
	return ""
}

func (r *runner[C]) DoStatements(ctx context.Context, stmts []Stmt, done func(int, time.Duration)) error {
	d, ok := r.drv.(stmtDriver[C])
	if !ok {
		return fmt.Errorf("pool %s: a %s target runs no SQL statements", r.pool.name, r.pool.kind)
	}
	c, err := r.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	opCtx, cancel := context.WithTimeout(ctx, r.opts.opTimeout())
	keep, err := d.execStmts(opCtx, c.Value(), stmts, done)
	cancel()
	return r.settle(ctx, c, err, keep)
}

func (d *postgres) placeholder() string { return PlaceholderDollar }

// execStmts runs each statement with the extended protocol (pgx caches
// the prepared statement per connection). After a failure the connection
// is kept only when it is outside any transaction.
func (d *postgres) execStmts(ctx context.Context, c pgConn, stmts []Stmt, done func(int, time.Duration)) (bool, error) {
	for i, s := range stmts {
		start := time.Now()
		if _, err := c.Exec(ctx, s.SQL, s.Args...); err != nil {
			return !c.IsClosed() && c.PgConn().TxStatus() == 'I', err
		}
		if done != nil {
			done(i, time.Since(start))
		}
	}
	return true, nil
}

func (d *sqlDriver) placeholder() string { return PlaceholderQuestion }

// execStmts runs each statement and reads its rows. Whether a failed
// script left a transaction open is not known here, so the connection is
// not kept after a failure.
func (d *sqlDriver) execStmts(ctx context.Context, c sqlConn, stmts []Stmt, done func(int, time.Duration)) (bool, error) {
	qc, ok := c.(driver.QueryerContext)
	if !ok {
		return false, fmt.Errorf("driver connection %T cannot run queries", c)
	}
	var args []driver.NamedValue
	for i, s := range stmts {
		start := time.Now()
		args = args[:0]
		for j, a := range s.Args {
			args = append(args, driver.NamedValue{Ordinal: j + 1, Value: a})
		}
		if err := drain(queryArgs(ctx, c, qc, d.tag+s.SQL, args)); err != nil {
			return false, err
		}
		if done != nil {
			done(i, time.Since(start))
		}
	}
	return true, nil
}

// queryArgs runs q with args, preparing it when the driver asks to
// (driver.ErrSkip: go-sql-driver/mysql binds parameters only in a prepared
// statement unless interpolateParams is set).
func queryArgs(ctx context.Context, c sqlConn, qc driver.QueryerContext, q string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := qc.QueryContext(ctx, q, args)
	if !errors.Is(err, driver.ErrSkip) {
		return rows, err
	}
	pc, ok := c.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("driver connection %T cannot prepare statements", c)
	}
	st, err := pc.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	sq, ok := st.(driver.StmtQueryContext)
	if !ok {
		_ = st.Close()
		return nil, fmt.Errorf("driver statement %T cannot run queries", st)
	}
	rows, err = sq.QueryContext(ctx, args)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return stmtRows{rows, st}, nil
}

// stmtRows closes its statement with the rows.
type stmtRows struct {
	driver.Rows
	st driver.Stmt
}

func (r stmtRows) Close() error { return errors.Join(r.Rows.Close(), r.st.Close()) }

// drain reads every row of rows and closes it.
func drain(rows driver.Rows, err error) error {
	if err != nil {
		return err
	}
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			_ = rows.Close()
			return err
		}
	}
	return rows.Close()
}
