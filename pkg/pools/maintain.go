package pools

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// maintain is the pool's one background goroutine: it refills to MinSize,
// closes idle and expired connections and health-checks idle ones.
func (p *Pool[C]) maintain() {
	defer p.wg.Done()
	t := time.NewTicker(p.tick)
	defer t.Stop()
	p.refill()
	for {
		select {
		case <-p.bg.Done():
			return
		case <-p.kick:
			p.refill()
		case <-t.C:
			p.reap()
			p.healthCheck()
			p.refill()
		}
	}
}

// refill dials until open plus dialling connections reach MinSize. A failed
// dial is retried at the next tick, not at once.
func (p *Pool[C]) refill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	for p.total+p.constructing < p.opts.MinSize {
		p.startDialLocked()
	}
}

// reap closes idle connections past MaxLifetime, and those idle longer than
// IdleTimeout while the pool is above MinSize.
func (p *Pool[C]) reap() {
	now := mono()
	idleFor := int64(p.opts.IdleTimeout)
	var doomed []*Conn[C]
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	keep := p.idle[:0]
	for _, c := range p.idle {
		switch {
		case now >= c.expiresAt:
			p.count.closed.Lifetime++
		case now-c.lastUsed >= idleFor && p.total > p.opts.MinSize:
			p.count.closed.Idle++
		default:
			keep = append(keep, c)
			continue
		}
		c.state = stateClosed
		p.total--
		doomed = append(doomed, c)
	}
	clear(p.idle[len(keep):])
	p.idle = keep
	if len(doomed) > 0 {
		p.dialForWaitersLocked()
	}
	p.mu.Unlock()
	for _, c := range doomed {
		p.closeConn(c, "expired")
	}
}

// healthCheck pings, concurrently, the idle connections not used since the
// previous round (recently used ones just proved themselves). Broken ones
// are closed (Closed.Health, Errors.HealthCheck); the others go back.
func (p *Pool[C]) healthCheck() {
	now := mono()
	p.mu.Lock()
	if p.closed || now-p.lastHealth < int64(p.opts.HealthCheckInterval) {
		p.mu.Unlock()
		return
	}
	since := p.lastHealth
	p.lastHealth = now
	var check []*Conn[C]
	keep := p.idle[:0]
	for _, c := range p.idle {
		if c.lastUsed <= since {
			c.state = stateChecking
			check = append(check, c)
			continue
		}
		keep = append(keep, c)
	}
	clear(p.idle[len(keep):])
	p.idle = keep
	p.checking += len(check)
	p.mu.Unlock()
	if len(check) == 0 {
		return
	}

	errs := make([]error, len(check))
	var wg sync.WaitGroup
	for i, c := range check {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(p.bg, p.opts.ConnectTimeout)
			defer cancel()
			errs[i] = p.conn.Ping(ctx, c.value)
		})
	}
	wg.Wait()

	var doomed []*Conn[C]
	var failed error
	after := mono()
	p.mu.Lock()
	p.checking -= len(check)
	for i, c := range check {
		switch {
		case p.closed:
			p.count.closed.Shutdown++
		case errs[i] != nil:
			p.count.closed.Health++
			p.count.errors.HealthCheck++
			failed = errs[i]
		default:
			p.putLocked(c, after)
			continue
		}
		c.state = stateClosed
		p.total--
		doomed = append(doomed, c)
	}
	p.signalDrainedLocked()
	if failed != nil {
		err := fmt.Errorf("pool %s: health check: %w", p.name, redactErr(failed))
		p.lastErr = err.Error()
		p.reachable.Store(false)
		p.dialForWaitersLocked()
	} else if !p.closed {
		p.reachable.Store(true)
	}
	p.mu.Unlock()
	for _, c := range doomed {
		p.closeConn(c, "health")
	}
	if failed != nil {
		p.log.Debug("pool: health check closed connections", "pool", p.name, "closed", len(doomed), "err", redactErr(failed).Error())
	}
}
