package pools

import "time"

// Snapshot returns the pool's state and metrics. Counters, gauges and
// histograms are copied under the pool's lock, so they agree with each
// other; quantiles and wait buckets are computed after the lock is
// released. Operations and Errors.Operation are atomics read under the same
// lock.
func (p *Pool[C]) Snapshot() Snapshot {
	now := mono()
	p.mu.Lock()
	s := Snapshot{
		Name:          p.name,
		Kind:          p.kind,
		MinSize:       p.opts.MinSize,
		MaxSize:       p.opts.MaxSize,
		Total:         p.total + p.constructing,
		Active:        p.active,
		Idle:          len(p.idle) + p.checking,
		Constructing:  p.constructing,
		Waiting:       p.waiters.len(),
		PeakWaiting:   p.peakWaiting,
		AcquireCount:  p.count.acquires,
		Errors:        p.count.errors,
		Exhaustions:   p.count.exhaustions,
		Timeouts:      p.count.timeouts,
		Cancellations: p.count.cancellations,
		Created:       p.count.created,
		Closed:        p.count.closed,
		Uptime:        time.Duration(now - p.util.start),
		LastError:     p.lastErr,
	}
	s.Errors.Operation = p.opErrors.Load()
	s.Operations = p.operations.Load()
	s.Reachable = p.reachable.Load()
	if metricsEnabled {
		s.Utilization = p.util.mean(now, p.opts.MaxSize)
		s.PeakUtilization = float64(p.util.peak) / float64(p.opts.MaxSize)
	}
	fd := p.freezeDistributions()
	p.mu.Unlock()

	fd.addZeroWaits()
	wait, hold, connect := fd.AcquireWait, fd.Hold, fd.Connect

	s.AcquireWaitMs = wait.quantiles()
	s.AcquireWaitBuckets = wait.buckets(DefaultWaitBuckets)
	s.AcquireWaitCount = uint64(wait.h.TotalCount())
	s.AcquireWaitSumSeconds = wait.sumNs / 1e9
	s.HoldMs = hold.quantiles()
	s.ConnectMs = connect.quantiles()
	return s
}

// ResetStats starts the pool's figures afresh from now, as a run's measured
// phase begins after its warm-up: counters (acquires, operations, errors,
// exhaustions, timeouts, cancellations, connections created and closed),
// the wait, hold and connect histograms, the utilization mean (from now;
// checkouts in progress count from now on) and the peaks (to the current
// active and waiting counts) restart; the gauges (total, active, idle,
// waiting), the sizes and reachability are the pool's state and stay.
// Operations in flight finish into the new figures.
func (p *Pool[C]) ResetStats() {
	now := mono()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count = counters{}
	p.handedOff = 0
	p.peakWaiting = p.waiters.len()
	p.operations.Store(0)
	p.opErrors.Store(0)
	p.wait, p.hold, p.connect = newDurations(), newDurations(), newDurations()
	u := &p.util
	// The busy time so far of the checkouts in progress is taken off, so
	// that what they add when they end is only their time from now.
	u.busy = -(u.openW*float64(now) - u.openAt)
	u.start = now
	u.peak = p.active
}
