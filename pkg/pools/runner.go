package pools

import (
	"context"
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

// Operation is what Runner.Do runs on a connection. Its zero value means the
// kind's default operation.
type Operation struct {
	// Query is the SQL for postgres, mysql and sqlite (default "SELECT 1").
	// It runs without arguments; its rows are read and discarded.
	Query string
	// Command is a Redis command and its arguments (default PING). A nil
	// reply (missing key) counts as success.
	Command []string
	// Method and Path make the HTTP request (default GET of the URL's own
	// path and query). Path is relative to the URL's host. A status of 400
	// or more is an operation error.
	Method, Path string
}

// Runner is one target's pool with its operation, type-erased, for the
// workload runner, the report and serve.
type Runner interface {
	Name() string
	Kind() string   // postgres | mysql | sqlite | redis | http
	Target() string // redacted URL
	// Do acquires a connection, runs the operation (bounded by
	// OperationTimeout) and releases it, destroying it after a
	// connection-level error. Errors are counted by kind in the snapshot;
	// an operation interrupted by the caller's own ctx is not counted as
	// the target's error.
	Do(ctx context.Context) error
	// Ping checks reachability on a fresh connection, dialled outside the
	// pool (it is not counted in the pool's size or metrics) and closed
	// again: a dead idle connection does not make a healthy server look
	// down. It is bounded by ctx and the ConnectTimeout.
	Ping(ctx context.Context) error
	Snapshot() Snapshot
	// ResetStats starts the pool's figures afresh (see Pool.ResetStats):
	// the workload calls it as its measured phase begins, so the warm-up
	// is in none of them.
	ResetStats()
	// Close closes the pool: see Pool.Close.
	Close(ctx context.Context) error
}

// kindDriver is what a kind adds to its Connector for a Runner.
type kindDriver[C any] interface {
	Connector[C]
	// exec runs the operation on c.
	exec(ctx context.Context, c C) error
	// broken reports whether err (from exec or Ping) left c unusable.
	broken(c C, err error) bool
}

// deadlineDriver is implemented by drivers that bound an operation with a
// deadline of their own (a socket deadline) instead of a context with a
// timeout, which costs a timer and a registration with the caller's context
// on every operation.
type deadlineDriver[C any] interface {
	execBy(ctx context.Context, c C, deadline time.Time) error
}

// snapshotter is implemented by drivers with extra metrics; reset starts
// them afresh with the pool's (ResetStats).
type snapshotter interface {
	addTo(s *Snapshot)
	reset()
}

// runner is the Runner of every kind.
type runner[C any] struct {
	pool   *Pool[C]
	drv    kindDriver[C]
	by     deadlineDriver[C] // drv, when it is one
	target string            // redacted
	opts   Options
}

// Open makes a Runner named t.Name for t.URL, its driver chosen by t.Kind
// (classified from the URL when empty). It checks the URL (an unsupported
// scheme or a malformed URL is an error that says so, redacted) but does not
// contact the server: the MinSize warm-up runs in the background, and an
// unreachable target shows in Ping, Do and the snapshot.
func Open(t target.Target, opts Options, op Operation) (Runner, error) {
	name, rawURL, kind := t.Name, t.URL, t.Kind
	if kind == "" {
		k, err := target.KindOf(rawURL)
		if err != nil {
			return nil, fmt.Errorf("pool %s: %w", name, err)
		}
		kind = k
	}
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("pool %s: invalid options: %w", name, err)
	}
	wrap := func(err error) error {
		return fmt.Errorf("pool %s (%s): %w", name, redact.URL(rawURL), redactErr(scrubURLSecrets(err, rawURL)))
	}
	switch kind {
	case target.Postgres:
		d, err := newPostgres(rawURL, opts, op)
		if err != nil {
			return nil, wrap(err)
		}
		return newRunner(name, kind, rawURL, kindDriver[pgConn](d), opts)
	case target.MySQL:
		d, err := newMySQL(rawURL, opts, op)
		if err != nil {
			return nil, wrap(err)
		}
		return newRunner(name, kind, rawURL, kindDriver[sqlConn](d), opts)
	case target.SQLite:
		d, err := newSQLite(rawURL, opts, op)
		if err != nil {
			return nil, wrap(err)
		}
		return newRunner(name, kind, rawURL, kindDriver[sqlConn](d), opts)
	case target.Redis:
		d, err := newRedis(rawURL, opts, op)
		if err != nil {
			return nil, wrap(err)
		}
		return newRunner(name, kind, rawURL, kindDriver[*redisConn](d), opts)
	case target.HTTP:
		d, err := newHTTP(rawURL, opts, op)
		if err != nil {
			return nil, wrap(err)
		}
		return newRunner(name, kind, rawURL, kindDriver[*httpConn](d), opts)
	default:
		return nil, fmt.Errorf("pool %s (%s): unknown target kind %q", name, redact.URL(rawURL), kind)
	}
}

func newRunner[C any](name string, kind target.Kind, rawURL string, d kindDriver[C], opts Options) (Runner, error) {
	p, err := New(name, string(kind), Connector[C](d), opts)
	if err != nil {
		return nil, err
	}
	by, _ := d.(deadlineDriver[C])
	return &runner[C]{pool: p, drv: d, by: by, target: redact.URL(rawURL), opts: opts}, nil
}

func (r *runner[C]) Name() string   { return r.pool.name }
func (r *runner[C]) Kind() string   { return r.pool.kind }
func (r *runner[C]) Target() string { return r.target }

func (r *runner[C]) Do(ctx context.Context) error {
	c, err := r.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	if r.by != nil {
		err = r.by.execBy(ctx, c.Value(), time.Now().Add(r.opts.opTimeout()))
	} else {
		opCtx, cancel := context.WithTimeout(ctx, r.opts.opTimeout())
		err = r.drv.exec(opCtx, c.Value())
		cancel()
	}
	return r.settle(ctx, c, err, true)
}

// settle records an operation's outcome and gives its connection back:
// released when it is still good, destroyed when the driver says the error
// broke it or the caller says it cannot be kept (left inside a
// transaction, say). The error returned names the pool and the redacted
// target.
func (r *runner[C]) settle(ctx context.Context, c *Conn[C], err error, keep bool) error {
	if err == nil {
		r.pool.RecordOperation(nil)
		c.Release()
		return nil
	}
	err = fmt.Errorf("pool %s: operation on %s: %w", r.pool.name, r.target, redactErr(err))
	if ctx.Err() == nil { // the caller's own cancel is not the target's fault
		r.pool.RecordOperation(err)
	}
	if !keep || r.drv.broken(c.Value(), err) {
		c.Destroy()
	} else {
		c.Release()
	}
	return err
}

func (r *runner[C]) Ping(ctx context.Context) error {
	// A fresh connection, outside the pool's books: an idle pooled one may
	// have died (reset by a middlebox, closed by the server's own idle
	// timeout) while the server is fine, and a check on it would report an
	// outage that is not there. The pool finds and replaces its dead
	// connections by itself, on use or at the next health check.
	pctx, cancel := context.WithTimeout(ctx, r.opts.ConnectTimeout)
	defer cancel()
	c, err := r.drv.Dial(pctx)
	dialed := err == nil
	if dialed {
		err = r.drv.Ping(pctx, c)
		if cerr := r.drv.Close(c); cerr != nil {
			r.pool.log.Debug("pool: close ping connection", "pool", r.pool.name, "err", redactErr(cerr).Error())
		}
	}
	if err == nil {
		r.pool.reachable.Store(true)
		return nil
	}
	err = fmt.Errorf("pool %s: ping %s: %w", r.pool.name, r.target, redactErr(err))
	if ctx.Err() == nil {
		if !dialed { // counted as the pool's own failed dial would be
			r.pool.mu.Lock()
			r.pool.count.errors.Dial++
			r.pool.mu.Unlock()
		}
		r.pool.noteError(err)
	}
	return err
}

func (r *runner[C]) Snapshot() Snapshot {
	s := r.pool.Snapshot()
	s.Target = r.target
	if x, ok := r.drv.(snapshotter); ok {
		x.addTo(&s)
	}
	return s
}

func (r *runner[C]) ResetStats() {
	r.pool.ResetStats()
	if x, ok := r.drv.(snapshotter); ok {
		x.reset()
	}
}

func (r *runner[C]) Close(ctx context.Context) error { return r.pool.Close(ctx) }
