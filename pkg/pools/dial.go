package pools

import (
	"context"
	"fmt"
)

// dialForWaitersLocked starts enough dials that every waiter has one on the
// way, as far as MaxSize allows.
func (p *Pool[C]) dialForWaitersLocked() {
	for p.waiters.len() > p.constructing && p.total+p.constructing < p.opts.MaxSize {
		p.startDialLocked()
	}
}

// startDialLocked dials one connection in the background. Its result goes
// to the longest waiter, or (a connection) to the idle stack.
func (p *Pool[C]) startDialLocked() {
	p.constructing++
	p.wg.Add(1)
	go p.dial()
}

func (p *Pool[C]) dial() {
	defer p.wg.Done()
	ctx, cancel := context.WithTimeout(p.bg, p.opts.ConnectTimeout)
	begin := mono()
	v, err := p.conn.Dial(ctx)
	cancel()
	now := mono()

	p.mu.Lock()
	p.constructing--
	if err != nil {
		if p.closed {
			p.mu.Unlock()
			return // aborted by Close: not a target error
		}
		err = fmt.Errorf("pool %s: dial: %w", p.name, redactErr(err))
		p.count.errors.Dial++
		p.lastErr, p.lastDialErr = err.Error(), err
		p.reachable.Store(false)
		if w := p.waiters.pop(); w != nil {
			w.ch <- handoff[C]{err: err}
		}
		// Remaining waiters get their own attempt: against a target that
		// refuses connections every waiter fails fast with the dial error
		// instead of waiting for its timeout.
		p.dialForWaitersLocked()
		p.mu.Unlock()
		p.log.Debug("pool: dial failed", "pool", p.name, "err", err.Error())
		return
	}
	c := p.newConn(v, now)
	p.count.created++
	p.connect.record(now - begin)
	if !p.shallowDial {
		p.reachable.Store(true)
	}
	if p.closed {
		p.count.closed.Shutdown++
		c.state = stateClosed
		p.mu.Unlock()
		p.closeConn(c, "shutdown")
		return
	}
	p.total++
	p.putLocked(c, now)
	p.mu.Unlock()
}
