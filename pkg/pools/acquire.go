package pools

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Acquire checks out a connection: an idle one when there is one, else a
// new one when the pool is below MaxSize, else the next one released.
// Waiters are served first come, first served. It gives up when ctx ends
// (counted under Cancellations, or Timeouts for a deadline) or after
// ConnectTimeout (Timeouts; the error matches context.DeadlineExceeded and
// carries the last dial error). A failed dial made for this Acquire is
// returned as is (counted under Errors.Dial).
func (p *Pool[C]) Acquire(ctx context.Context) (*Conn[C], error) {
	select {
	case <-ctx.Done():
		p.mu.Lock()
		err := p.abandonLocked(ctx.Err(), "before waiting")
		p.mu.Unlock()
		return nil, err
	default:
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, fmt.Errorf("pool %s: %w", p.name, ErrClosed)
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		// Served without queueing: its wait (the mutex only) is booked as
		// zero in Snapshot (acquires less handed-off ones), not timed, and
		// its hold is timed when the sampler picks it (always, below
		// sampleRate checkouts a second). Two calls, so that the untimed
		// one inlines with its weight known to be zero.
		if !metricsEnabled || p.sample.fast.skip() {
			p.checkoutLocked(c, 0, 0)
		} else {
			w := p.sample.fast.next(&p.sample)
			p.checkoutLocked(c, mono(), w)
		}
		p.mu.Unlock()
		p.track(c)
		return c, nil
	}
	return p.acquireSlow(ctx)
}

// acquireSlow queues the caller until a connection is handed over. It is
// entered with p.mu held and returns with it released.
//
// ConnectTimeout is enforced by one pool-wide timer set for the deadline of
// the longest waiter, not by a timer per waiter, which would add two timer
// operations to every wait. Waiters queue in deadline order except for the
// gap between queueing and reading the clock: a waiter can expire that much
// after its turn (the few instructions from unlocking to the clock read,
// longer if the goroutine is preempted in between).
//
// The clock is read after unlocking, unless no timer is armed and this
// waiter's deadline must arm it: under contention, when the lock is in
// demand, the critical section is kept free of a clock read, which costs as
// much as the rest of it. The wait is timed from that reading: the fast
// path does not read the clock, so the time spent getting the lock is not in
// it either way.
func (p *Pool[C]) acquireSlow(ctx context.Context) (*Conn[C], error) {
	if p.total+p.constructing >= p.opts.MaxSize {
		p.count.exhaustions++
	}
	w := p.waiterP.Get().(*waiter[C])
	var start int64
	if !p.timerArmed {
		start = mono()
		w.deadline.Store(start + int64(p.opts.ConnectTimeout))
		p.armWaitTimerLocked(start + int64(p.opts.ConnectTimeout))
	}
	p.waiters.push(w)
	p.peakWaiting = max(p.peakWaiting, p.waiters.len())
	p.dialForWaitersLocked()
	p.mu.Unlock()
	if start == 0 {
		start = mono()
		w.deadline.Store(start + int64(p.opts.ConnectTimeout))
	}

	var h handoff[C]
	if done := ctx.Done(); done == nil {
		h = <-w.ch // context.Background and the like: cheaper than a select
	} else {
		select {
		case h = <-w.ch:
		case <-done:
			return nil, p.giveUp(ctx, w)
		}
	}
	p.recycle(w)
	if h.err != nil {
		return nil, h.err
	}
	if metricsEnabled && h.conn.weight > 0 {
		// Queued until the connection was assigned (see checkoutLocked):
		// no second clock read on this path either.
		h.conn.waitNs = max(h.conn.acquiredAt-start, 1)
	}
	p.track(h.conn)
	return h.conn, nil
}

// giveUp dequeues a waiter whose context ended and counts it.
func (p *Pool[C]) giveUp(ctx context.Context, w *waiter[C]) error {
	var doomed *Conn[C]
	p.mu.Lock()
	if !p.waiters.remove(w) {
		// Served while giving up: hand the connection back. Its send may
		// still be on the way (offerLocked), so this receive can wait a
		// moment.
		h := <-w.ch
		if h.conn == nil {
			// Failed first (timeout, dial error, Close): that outcome was
			// already counted; report it rather than count a cancellation.
			p.mu.Unlock()
			p.recycle(w)
			return h.err
		}
		// checkoutLocked counted it; the caller never got it. (Unless
		// ResetStats came in between: the counts started again from 0.)
		p.count.acquires -= min(p.count.acquires, 1)
		if metricsEnabled {
			p.handedOff -= min(p.handedOff, 1)
			p.sample.queued.untake(h.conn.weight)
		}
		doomed = p.unwindLocked(h.conn)
	}
	err := p.abandonLocked(ctx.Err(), "")
	p.mu.Unlock()
	p.recycle(w)
	if doomed != nil {
		p.closeConn(doomed, "shutdown")
	}
	return err
}

// unwindLocked takes back a connection handed to a waiter that gave up
// before it saw it. It returns c when the pool is closed and c must be
// closed (after unlocking).
func (p *Pool[C]) unwindLocked(c *Conn[C]) *Conn[C] {
	now := mono()
	if metricsEnabled && c.weight > 0 {
		p.util.cancel(now, c.acquiredAt, c.weight) // assigned, so busy, until now
		c.weight = 0
	}
	p.active--
	if !p.closed {
		p.putLocked(c, now)
		return nil
	}
	c.state = stateClosed
	p.total--
	p.count.closed.Shutdown++
	p.signalDrainedLocked()
	return c
}

// armWaitTimerLocked makes sure the wait timer will fire by deadline.
func (p *Pool[C]) armWaitTimerLocked(deadline int64) {
	if p.timerArmed {
		return // armed for an earlier waiter, whose deadline comes first
	}
	p.timerArmed = true
	d := time.Duration(deadline - mono())
	if p.waitTimer == nil {
		p.waitTimer = time.AfterFunc(d, p.expireWaiters)
		return
	}
	p.waitTimer.Reset(d)
}

// expireWaiters fails the waiters whose ConnectTimeout passed and re-arms
// the timer for the next one.
func (p *Pool[C]) expireWaiters() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timerArmed = false
	if p.closed {
		return
	}
	now := mono()
	for w := p.waiters.peek(); w != nil && w.expiredBy(now); w = p.waiters.peek() {
		p.waiters.pop()
		w.ch <- handoff[C]{err: p.abandonLocked(errTimer, "")}
	}
	if w := p.waiters.peek(); w != nil {
		p.armWaitTimerLocked(w.deadlineAfter(now, p.opts.ConnectTimeout))
	}
}

// errTimer marks a wait that ran into ConnectTimeout.
var errTimer = errors.New("connect timeout")

// abandonLocked counts an Acquire given up for cause and builds its error.
func (p *Pool[C]) abandonLocked(cause error, when string) error {
	state := fmt.Sprintf("%d of max %d in use, %d waiting", p.active, p.opts.MaxSize, p.waiters.len())
	if when != "" {
		state = when + ", " + state
	}
	switch {
	case cause == errTimer:
		p.count.timeouts++
		return &timeoutError{pool: p.name, timeout: p.opts.ConnectTimeout.String(), detail: state, last: p.lastDialErr}
	case errors.Is(cause, context.DeadlineExceeded):
		p.count.timeouts++
	default:
		p.count.cancellations++
	}
	return fmt.Errorf("pool %s: acquire gave up (%s): %w", p.name, state, cause)
}

// track registers a checkout with the Tracker, if any.
func (p *Pool[C]) track(c *Conn[C]) {
	if t := p.opts.Tracker; t != nil {
		id, err := t.Register(p.kind, p.name)
		if err != nil {
			p.log.Debug("pool: tracker refused a connection; it is handed out untracked", "pool", p.name, "err", err)
		}
		c.trackID = id
	}
}
