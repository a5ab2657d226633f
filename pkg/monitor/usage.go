package monitor

import (
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
)

// usage integrates a pool's in-use connections between samples: the
// time-weighted utilization is Σ ½(in-use₀ + in-use₁) × Δt ÷ (elapsed ×
// max), the trapezoid over the samples; the peak is the largest sampled
// in-use ÷ max. A pool without a maximum (database/sql's default) has no
// utilization.
type usage struct {
	start, last time.Time
	lastInUse   int
	busy        float64 // connection-seconds in use
	peak        float64
}

func newUsage(now time.Time) usage { return usage{start: now, last: now} }

// add records a sample and returns the utilization and peak so far.
func (u *usage) add(now time.Time, inUse, maxSize int) (util, peak float64) {
	if dt := now.Sub(u.last).Seconds(); dt > 0 {
		u.busy += float64(u.lastInUse+inUse) / 2 * dt
		u.last = now
	}
	u.lastInUse = inUse
	if maxSize <= 0 {
		return 0, 0
	}
	u.peak = max(u.peak, min(float64(inUse)/float64(maxSize), 1))
	elapsed := u.last.Sub(u.start).Seconds()
	if elapsed <= 0 {
		return min(float64(inUse)/float64(maxSize), 1), u.peak
	}
	return min(u.busy/(elapsed*float64(maxSize)), 1), u.peak
}

// waits turns a cumulative (count, total wait) pair into wait figures: the
// mean wait of the last interval in P50, P95 and P99, the lifetime mean in
// Mean and the largest interval mean in Max. Libraries that keep only the
// sum allow nothing finer; the pool's Derived list says so.
type waits struct {
	count   uint64
	sum     time.Duration
	interMs float64
	maxMs   float64
}

func (w *waits) add(count uint64, sum time.Duration) pools.Quantiles {
	if count > w.count && sum >= w.sum {
		w.interMs = ms(sum-w.sum) / float64(count-w.count)
		w.maxMs = max(w.maxMs, w.interMs)
	} else if count == w.count {
		w.interMs = 0 // nobody waited in the last interval
	}
	w.count, w.sum = count, sum
	q := pools.Quantiles{P50: w.interMs, P95: w.interMs, P99: w.interMs, Max: w.maxMs}
	if count > 0 {
		q.Mean = ms(sum) / float64(count)
	}
	return q
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// derivedWait is the Derived entry for a pool whose wait figures come from
// sums.
func derivedWait(lib, counted string) string {
	return fmt.Sprintf("acquire_wait_ms: %s exposes only the total wait; p50, p95 and p99 are the mean wait of %s in the last sampling interval, mean the lifetime mean, max the largest interval mean", lib, counted)
}

const derivedUtilization = "utilization and peak_utilization: time-weighted from in-use connections sampled every interval"

// counter32 widens a wrapping 32-bit counter (go-redis's pool stats) to 64
// bits, assuming it wraps at most once between two samples.
type counter32 struct {
	last  uint32
	total uint64
}

func (c *counter32) add(v uint32) uint64 {
	c.total += uint64(v - c.last)
	c.last = v
	return c.total
}
