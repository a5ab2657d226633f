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
