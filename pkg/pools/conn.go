package pools

// connState is where a connection is; it changes only under Pool.mu.
type connState uint8

const (
	stateIdle     connState = iota // on the idle stack
	stateInUse                     // checked out
	stateChecking                  // out for a health check
	stateClosed                    // left the pool
)

// Conn is a connection checked out of a Pool. Return it exactly once, with
// Release, or with Destroy when it is broken, and do not use it afterwards:
// the same *Conn is handed out again. Returning it twice panics.
type Conn[C any] struct {
	pool      *Pool[C]
	value     C
	createdAt int64 // mono ns
	expiresAt int64 // createdAt + MaxLifetime − jitter
	lastUsed  int64 // when it was last returned (or dialled)

	acquiredAt int64 // when the current checkout was assigned, if timed (metrics builds)
	weight     int64 // checkouts the timed current one stands for; 0 = untimed (see tally)
	waitNs     int64 // how long the current checkout queued, if timed; else 0 (metrics builds)
	trackID    uint64
	state      connState
}

// Value is the underlying connection (a *pgx.Conn, a driver.Conn, …).
func (c *Conn[C]) Value() C { return c.value }

// Release returns the connection to the pool for reuse (or closes it when it
// outlived MaxLifetime or the pool is closed).
func (c *Conn[C]) Release() { c.pool.release(c, false) }

// Destroy returns the connection as broken: it is closed and counted under
// Closed.Error, and the pool dials a replacement when needed.
func (c *Conn[C]) Destroy() { c.pool.release(c, true) }

// release is the return path shared by Release and Destroy.
func (p *Pool[C]) release(c *Conn[C], broken bool) {
	now := mono()
	if p.opts.Tracker != nil && c.trackID != 0 {
		p.opts.Tracker.Release(c.trackID)
	}
	p.mu.Lock()
	if c.state != stateInUse {
		p.mu.Unlock()
		panic("pools: Release or Destroy of a connection that is not checked out (returned twice?)")
	}
	c.trackID = 0
	if metricsEnabled {
		if c.weight > 0 {
			if c.waitNs > 0 { // queued (zero waits are counted in Snapshot)
				p.wait.recordN(c.waitNs, c.weight)
				c.waitNs = 0
			}
			p.hold.recordN(now-c.acquiredAt, c.weight)
			p.util.end(now, c.acquiredAt, c.weight)
			c.weight = 0
			p.sample.timed(now, p.count.acquires)
		} else {
			p.sample.released(now, p.count.acquires)
		}
	}
	p.active--
	c.lastUsed = now
	var reason string
	switch {
	case p.closed:
		reason = "shutdown"
		p.count.closed.Shutdown++
	case broken:
		reason = "error"
		p.count.closed.Error++
	case now >= c.expiresAt:
		reason = "lifetime"
		p.count.closed.Lifetime++
	default:
		w := p.offerLocked(c, now)
		p.mu.Unlock()
		if w != nil {
			// Sent after unlocking so that waking the waiter does not
			// lengthen the critical section; w already left the queue.
			w.ch <- handoff[C]{conn: c}
		}
		return
	}
	c.state = stateClosed
	p.total--
	p.signalDrainedLocked()
	p.replenishLocked()
	p.mu.Unlock()
	p.closeConn(c, reason)
}

// putLocked makes a connection that is not checked out available: the
// longest-waiting Acquire gets it, or it goes on the idle stack.
func (p *Pool[C]) putLocked(c *Conn[C], now int64) {
	if w := p.offerLocked(c, now); w != nil {
		w.ch <- handoff[C]{conn: c}
	}
}

// offerLocked is putLocked without the send: when it returns a waiter, c is
// booked to it and the caller must send c on w.ch (it may do so after
// unlocking: a waiter that gives up meanwhile finds itself dequeued and
// blocks on w.ch until the send arrives).
func (p *Pool[C]) offerLocked(c *Conn[C], now int64) *waiter[C] {
	if w := p.waiters.pop(); w != nil {
		var weight int64
		if metricsEnabled {
			p.handedOff++
			weight = p.sample.queued.take(&p.sample)
		}
		p.checkoutLocked(c, now, weight)
		return w
	}
	c.state = stateIdle
	p.idle = append(p.idle, c)
	return nil
}

// checkoutLocked books c as checked out; a timed checkout (weight w > 0,
// see tally) starts its hold at now.
func (p *Pool[C]) checkoutLocked(c *Conn[C], now, w int64) {
	active := p.active + 1 // kept in a register: compared right below
	p.active = active
	p.count.acquires++
	c.state = stateInUse
	if metricsEnabled {
		if active > p.util.peak {
			p.util.peak = active
		}
		// The checkout (and the hold) starts when the connection is
		// assigned, also for a waiter that is still being woken up.
		if w > 0 { // an untimed checkout finds weight 0, reset by its release
			c.weight, c.acquiredAt = w, now
			p.util.begin(now, w)
		}
	}
}

// replenishLocked reacts to a connection leaving the pool: waiters get new
// dials if there is room, and maintenance refills to MinSize.
func (p *Pool[C]) replenishLocked() {
	if p.closed {
		return
	}
	p.dialForWaitersLocked()
	if p.total+p.constructing < p.opts.MinSize {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}
