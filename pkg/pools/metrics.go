package pools

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram geometry: 1 µs to 1 h at two significant digits (1 %).
const (
	histLowestUs  = 1
	histHighestUs = int64(time.Hour / time.Microsecond)
	histDigits    = 2
)

// durations is an HdrHistogram of durations with exact mean and max kept
// beside it. It is not safe for concurrent use: the pool records under its
// mutex.
type durations struct {
	h     *hdrhistogram.Histogram
	sumNs float64
	maxNs int64
}

func newDurations() durations {
	return durations{h: hdrhistogram.New(histLowestUs, histHighestUs, histDigits)}
}

// record adds one duration in nanoseconds; values outside the histogram's
// range are clamped into it (max and mean stay exact).
func (d *durations) record(ns int64) {
	ns = max(ns, 0)
	us := min(ns/int64(time.Microsecond), histHighestUs)
	_ = d.h.RecordValue(us) // in range by construction
	d.sumNs += float64(ns)
	d.maxNs = max(d.maxNs, ns)
}

// frozen is a copy taken under the pool's lock, summarised outside it.
type frozen struct {
	h     *hdrhistogram.Histogram
	sumNs float64
	maxNs int64
}

func (d *durations) freeze() frozen { return frozen{h: d.h.Clone(), sumNs: d.sumNs, maxNs: d.maxNs} }

// quantiles summarises in milliseconds.
func (f frozen) quantiles() Quantiles {
	n := f.h.TotalCount()
	if n == 0 {
		return Quantiles{}
	}
	usToMs := func(us int64) float64 { return float64(us) / 1e3 }
	q := Quantiles{
		P50:  usToMs(f.h.ValueAtQuantile(50)),
		P95:  usToMs(f.h.ValueAtQuantile(95)),
		P99:  usToMs(f.h.ValueAtQuantile(99)),
		Max:  float64(f.maxNs) / 1e6,
		Mean: f.sumNs / float64(n) / 1e6,
	}
	// HdrHistogram reports the highest value equivalent to a bucket, which
	// can exceed the exact max by the bucket's width.
	q.P50, q.P95, q.P99 = min(q.P50, q.Max), min(q.P95, q.Max), min(q.P99, q.Max)
	return q
}

// utilization integrates the active-connection count over time, so the mean
// of active/max is weighted by how long each level lasted.
type utilization struct {
	start, last int64   // mono ns
	busy        float64 // ∫ active dt, in connection·ns
	peak        int     // highest active count seen
}

// advance accounts for the time since the last change at the level active
// had during it; it is called before every change of active. Timestamps
// read before taking the lock may arrive slightly out of order: those add
// nothing.
func (u *utilization) advance(now int64, active int) {
	if now > u.last {
		u.busy += float64(active) * float64(now-u.last)
		u.last = now
	}
}

// mean is the time-weighted mean of active/maxSize up to now (with active
// the current level).
func (u *utilization) mean(now int64, active, maxSize int) float64 {
	busy := u.busy
	if now > u.last {
		busy += float64(active) * float64(now-u.last)
	}
	span := float64(now - u.start)
	if span <= 0 || maxSize <= 0 {
		return 0
	}
	return min(busy/(span*float64(maxSize)), 1)
}
