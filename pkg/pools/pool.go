package pools

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Connector makes, checks and closes the connections of one target.
type Connector[C any] interface {
	// Dial opens one ready-to-use connection; ctx carries the connect
	// timeout.
	Dial(ctx context.Context) (C, error)
	// Ping validates an idle connection (health check).
	Ping(ctx context.Context, c C) error
	// Close closes a connection; it must not block past the connector's
	// own timeout.
	Close(c C) error
}

// shallowDialer is implemented by connectors whose Dial gets no answer from
// the server: a plain TCP connect (HTTP), which the kernel completes even for
// a server that hangs.
type shallowDialer interface{ shallowDial() }

// Pool is a generic connection pool with min/max sizes, connect, idle and
// lifetime timeouts, periodic health checks and metrics. Its methods are
// safe for concurrent use.
type Pool[C any] struct {
	name, kind string
	conn       Connector[C]
	opts       Options
	log        *slog.Logger
	tick       time.Duration // maintenance period

	bg   context.Context // cancelled by Close: stops maintenance and dials
	stop context.CancelFunc
	wg   sync.WaitGroup // maintenance and dial goroutines
	kick chan struct{}  // asks maintenance to refill now
	// shallowDial: a successful Dial proves nothing about the server (see
	// shallowDialer), so only answers mark the target reachable.
	shallowDial bool
	waiterP     sync.Pool // recycled *waiter[C]

	// Touched on every operation, outside the lock: a cache line away
	// from mu, so that these atomics and the locked fields do not bounce
	// between cores together.
	operations atomic.Uint64
	opErrors   atomic.Uint64
	reachable  atomic.Bool
	_          [64]byte

	// The fields every checkout touches, together, guarded by mu: a
	// contended pool moves as few cache lines between cores as possible.
	mu           sync.Mutex
	closed       bool
	timerArmed   bool
	idle         []*Conn[C] // a stack: the most recently used on top
	waiters      queue[C]
	total        int // open connections: idle, in use or being checked
	active       int // checked out (or being handed to a waiter)
	constructing int // being dialled
	peakWaiting  int
	handedOff    uint64  // acquires that queued; the others' zero waits are added in snapshots
	sample       sampler // which checkouts are timed
	count        counters
	util         utilization

	// Guarded by mu too, touched less often.
	drained     chan struct{} // closed once closed and nothing is in use
	drainedSent bool
	checking    int         // idle but out for a health check
	waitTimer   *time.Timer // fires at the head waiter's deadline
	lastHealth  int64       // mono ns of the last health-check round
	lastErr     string
	lastDialErr error
	wait        durations // waits of acquires that queued
	hold        durations
	connect     durations
}

// counters are the pool's monotonic counts, guarded by Pool.mu.
type counters struct {
	acquires, exhaustions, timeouts, cancellations, created uint64
	errors                                                  ErrorCounts
	closed                                                  ClosedCounts
}

// New validates opts and starts a pool named name (e.g. "database") of kind
// kind (e.g. "postgres"). MinSize connections are dialled in the background:
// New does not wait for them and does not fail when the target is down.
func New[C any](name, kind string, conn Connector[C], opts Options) (*Pool[C], error) {
	if conn == nil {
		return nil, fmt.Errorf("pool %s: no connector given", name)
	}
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("pool %s: invalid options: %w", name, err)
	}
	bg, stop := context.WithCancel(context.Background())
	now := mono()
	p := &Pool[C]{
		name: name, kind: kind, conn: conn, opts: opts, log: opts.logger(),
		tick: maintenanceTick(opts), bg: bg, stop: stop,
		kick:    make(chan struct{}, 1),
		drained: make(chan struct{}),
		idle:    make([]*Conn[C], 0, opts.MaxSize),
		wait:    newDurations(), hold: newDurations(), connect: newDurations(),
		util:       utilization{start: now},
		sample:     sampler{stride: 1, winFrom: now},
		lastHealth: now,
	}
	_, p.shallowDial = conn.(shallowDialer)
	p.waiterP.New = func() any { return &waiter[C]{ch: make(chan handoff[C], 1)} }
	p.wg.Add(1)
	go p.maintain()
	return p, nil
}

// maintenanceTick is how often idle and expired connections are looked for;
// health checks run every HealthCheckInterval within it.
func maintenanceTick(o Options) time.Duration {
	return max(min(o.HealthCheckInterval, o.IdleTimeout, o.MaxLifetime), 5*time.Millisecond)
}

// Name is the pool's name ("database", "redis", …).
func (p *Pool[C]) Name() string { return p.name }

// Kind is the pool's target kind (postgres, mysql, sqlite, redis, http).
func (p *Pool[C]) Kind() string { return p.kind }

// Close stops background work, fails waiting Acquires with ErrClosed,
// closes idle connections and waits until every checked-out connection is
// returned (each is closed as it comes back) or ctx ends, whichever is
// first. If ctx ends first, Close returns an error naming how many are
// still in use; those are closed when released. In every case Close returns
// only after the pool's own goroutines have exited. Calling Close again
// returns nil.
func (p *Pool[C]) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.waitTimer != nil {
		p.waitTimer.Stop()
	}
	for w := p.waiters.pop(); w != nil; w = p.waiters.pop() {
		w.ch <- handoff[C]{err: fmt.Errorf("pool %s: %w", p.name, ErrClosed)}
	}
	idle := p.idle
	p.idle = nil
	p.total -= len(idle)
	p.count.closed.Shutdown += uint64(len(idle))
	p.signalDrainedLocked()
	p.mu.Unlock()

	p.stop()
	for _, c := range idle {
		p.closeConn(c, "shutdown")
	}
	var err error
	select {
	case <-p.drained:
	case <-ctx.Done():
		p.mu.Lock()
		n := p.active
		p.mu.Unlock()
		if n > 0 {
			err = fmt.Errorf("pool %s: %d connection(s) still in use when the close deadline passed (%w); each is closed when released", p.name, n, ctx.Err())
		}
	}
	p.wg.Wait()
	return err
}

// signalDrainedLocked closes drained once the pool is closed and nothing is
// checked out.
func (p *Pool[C]) signalDrainedLocked() {
	if p.closed && p.active == 0 && !p.drainedSent {
		p.drainedSent = true
		close(p.drained)
	}
}

// RecordOperation counts one operation run on a checked-out connection: a
// success, or an operation error (err != nil). Runner.Do calls it; callers
// using a Pool directly may too.
func (p *Pool[C]) RecordOperation(err error) {
	if err == nil {
		p.operations.Add(1)
		if !p.reachable.Load() {
			p.reachable.Store(true)
		}
		return
	}
	p.opErrors.Add(1)
	p.noteError(err)
}

// noteError remembers err (redacted) as the pool's last error and marks the
// target unreachable.
func (p *Pool[C]) noteError(err error) {
	p.reachable.Store(false)
	msg := redactErr(err).Error()
	p.mu.Lock()
	p.lastErr = msg
	p.mu.Unlock()
}

// newConn wraps a freshly dialled value; its lifetime gets up to 10 %
// of jitter so connections dialled together do not expire together.
func (p *Pool[C]) newConn(v C, now int64) *Conn[C] {
	life := int64(p.opts.MaxLifetime)
	life -= rand.Int64N(life/10 + 1)
	return &Conn[C]{pool: p, value: v, createdAt: now, expiresAt: now + life, lastUsed: now}
}

// closeConn closes a connection that already left the pool's books.
func (p *Pool[C]) closeConn(c *Conn[C], reason string) {
	if err := p.conn.Close(c.value); err != nil {
		p.log.Debug("pool: close connection", "pool", p.name, "reason", reason, "err", redactErr(err).Error())
	}
}
