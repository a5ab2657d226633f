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
func (d *durations) record(ns int64) { d.recordN(ns, 1) }

// recordN adds a duration that stands for n observations (a sampled one:
// see sampler).
func (d *durations) recordN(ns, n int64) {
	ns = max(ns, 0)
	us := min(ns/int64(time.Microsecond), histHighestUs)
	_ = d.h.RecordValues(us, n) // in range by construction
	d.sumNs += float64(ns) * float64(n)
	d.maxNs = max(d.maxNs, ns)
}

// frozen is a copy taken under the pool's lock, summarised outside it.
type frozen = Distribution

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

// Sampling of hold times. Reading the monotonic clock costs about as much
// as the rest of an uncontended Acquire+Release (≈30 ns of ≈65 ns on a KVM
// guest, where the vDSO reads kvm-clock), and a hold time needs a reading at
// checkout on top of the one Release makes anyway. So a pool checked out more
// than sampleRate times a second times only one checkout in stride; the
// timed one carries the weight of the untimed ones before it, so histogram
// counts, the mean hold and wait and the utilization stay unbiased
// estimates. Below that rate (every pool resync drives in practice except
// the tightest loops) every checkout is timed and the figures are exact.
// Checkouts that queued have their clock readings anyway, but recording
// them in the histograms under the lock, with both cores taking turns, costs
// cache misses: they are sampled the same way.
//
// The stride adapts at the end of each window: 10 ms or sampleBatch
// checkouts, whichever comes first. The count bound makes a burst sampled at
// the target rate after about a thousand checkouts (some 50 µs in a tight
// loop) instead of timing every checkout of its first 10 ms. A lower stride
// applies at once: the cycles under way are cut short (tally.restride), so
// a pool that slows down after a burst is timed at its new rate from the
// end of the window, not after the old stride's worth of checkouts.
const (
	// sampleRate is the checkout rate above which sampling starts: the
	// stride is the rate seen over sampleRate, rounded down, so each kind
	// of checkout is timed at least this many times a second.
	sampleRate = 100_000
	// maxStride bounds the stride: the rate sets it (about 250 for a tight
	// loop on one pool, some 25 million checkouts a second). A bound of 64
	// made that loop time four times as many checkouts as the rate asks,
	// which measured 1–2 % slower. (A weight can exceed it after an
	// untake.)
	maxStride    = 1024
	sampleWindow = int64(10 * time.Millisecond) // a window lasts at most this long …
	sampleBatch  = 1024                         // … or this many checkouts
)

// sampler sets the stride, ends its windows and counts each kind of
// checkout down to its next timed one. Guarded by Pool.mu.
type sampler struct {
	fast   tally // fast-path checkouts
	queued tally // handed-off checkouts

	stride  int64  // time one checkout in stride (≥ 1)
	winFrom int64  // mono ns the window began
	winAcq  uint64 // acquires counted when it began
	// The window's end, precomputed (winFrom+sampleWindow and
	// winAcq+sampleBatch) so that a release checks it with one comparison.
	// Zero in a new sampler, whose first check computes them.
	due    int64
	dueAcq uint64
}

// released is called at the release of an untimed checkout, at now, with
// the pool's acquire count: once the window's time has passed it sets the
// stride from the rate seen in it, so a pool that went quiet gets stride 1
// at its first release after the pause. The count bound is left to timed:
// this runs at nearly every release, where on the uncontended
// Acquire+Release of a few dozen nanoseconds each comparison is measurable.
func (s *sampler) released(now int64, acquires uint64) {
	if now >= s.due {
		s.adapt(now, acquires)
	}
}

// timed is called at the release of a timed checkout: it also ends a
// window that has seen a batch of checkouts, by the release of the first
// timed checkout after the batch. A burst starts at stride 1, every
// checkout timed, so it is sampled at the target rate after about
// sampleBatch checkouts.
func (s *sampler) timed(now int64, acquires uint64) {
	if now >= s.due || acquires >= s.dueAcq {
		s.adapt(now, acquires)
	}
}

// adapt ends the window if it has passed (a batch that took no measurable
// time does not end it), cuts the cycles under way down to a lower stride
// and recomputes when the next check is due. It runs about once a window
// (at every timed release while a batch takes no measurable time), so it is
// kept out of line, off the hot paths.
//
//go:noinline
func (s *sampler) adapt(now int64, acquires uint64) {
	old := s.stride
	n := int64(acquires - s.winAcq)
	if d := now - s.winFrom; d >= sampleWindow || (n >= sampleBatch && d > 0) {
		// n·(1e9/sampleRate)/d is n·1e9/(d·sampleRate) without the
		// overflow of d·sampleRate after a pause of a day or more.
		s.stride = min(max(n*(1e9/sampleRate)/d, 1), maxStride)
		s.winFrom, s.winAcq = now, acquires
	}
	s.due, s.dueAcq = s.winFrom+sampleWindow, s.winAcq+sampleBatch
	if s.stride < old {
		s.fast.restride(s.stride)
		s.queued.restride(s.stride)
	}
}

// tally counts the checkouts of one kind (fast-path or handed-off) down to
// its next timed one, so that a timed checkout only stands for its own kind
// (a queued wait never for a zero one). The zero tally times the next
// checkout.
type tally struct {
	left  int64 // untimed checkouts to come before the next timed one
	cycle int64 // untimed checkouts the next timed one stands for besides itself
}

// take reports the weight of a checkout: 0 for an untimed one; for a timed
// one, itself plus the untimed ones it stands for (see next).
func (t *tally) take(s *sampler) int64 {
	if t.skip() {
		return 0
	}
	return t.next(s)
}

// skip counts an untimed checkout and reports true, or reports false when
// the checkout is to be timed (then call next). An untimed checkout costs a
// decrement: the sampler is read only at a timed one.
func (t *tally) skip() bool {
	if t.left > 0 {
		t.left--
		return true
	}
	return false
}

// next reports the weight of a timed checkout, itself plus the untimed ones
// it stands for, and begins the next cycle, of s.stride checkouts (New sets
// stride 1 and adapt never lowers it below; a zero one counts as 1).
func (t *tally) next(s *sampler) int64 {
	w := t.cycle + 1
	t.left = max(s.stride, 1) - 1
	t.cycle = t.left
	return w
}

// restride cuts the cycle under way down to a new, lower stride: the next
// timed checkout comes at most stride−1 untimed ones from now, and pending()
// is kept, so it still stands for every checkout since the last one.
func (t *tally) restride(stride int64) {
	if excess := min(t.left-(stride-1), t.cycle); excess > 0 {
		t.left -= excess
		t.cycle -= excess
	}
}

// untake undoes the checkout that take gave weight w (a waiter served as it
// gave up). An untimed one is owed again by the current cycle; a timed one
// leaves the w−1 it stood for to the next timed checkout. Either way the
// weights recorded or still out (timed checkouts not yet released), plus
// pending(), equal the checkouts that stand.
func (t *tally) untake(w int64) {
	if w == 0 {
		t.left++
		return
	}
	t.cycle += w - 1
}

// pending is the number of checkouts made since the last timed one, which
// the next timed one will stand for besides itself. It is negative after an
// untake of a checkout that an earlier timed one had already stood for: one
// more untimed checkout then runs before the next timed one, which makes up
// for it.
func (t *tally) pending() int64 { return t.cycle - t.left }

// utilization estimates the time-weighted mean of active/max as the sum of
// (weighted) hold times, finished and in progress, over elapsed time × max:
// ∫ active dt is exactly the sum of the holds. With every checkout timed it
// is exact.
type utilization struct {
	peak  int     // highest active count seen (first: every checkout touches it)
	start int64   // mono ns the pool was made
	busy  float64 // Σ weight × hold of finished checkouts, connection·ns
	// In-progress timed checkouts: Σ weight and Σ weight × acquiredAt, so
	// their busy time so far is openW×now − openAt.
	openW  float64
	openAt float64
}

// begin books a timed checkout of weight w at now.
func (u *utilization) begin(now, w int64) {
	u.openW += float64(w)
	u.openAt += float64(w) * float64(now)
}

// end books the end, at now, of a timed checkout of weight w made at at.
func (u *utilization) end(now, at, w int64) {
	u.openW -= float64(w)
	u.openAt -= float64(w) * float64(at)
	u.busy += float64(w) * float64(now-at)
}

// cancel books the end, at now, of a timed checkout of weight w made at at
// that is undone (its waiter gave up): only its own time counts, since the
// w−1 checkouts it stood for go to the next timed one (tally.untake), which
// books them again.
func (u *utilization) cancel(now, at, w int64) {
	u.end(now, at, w)
	u.busy -= float64(w-1) * float64(now-at)
}

// mean is the estimated time-weighted mean of active/maxSize up to now.
func (u *utilization) mean(now int64, maxSize int) float64 {
	busy := u.busy + u.openW*float64(now) - u.openAt
	span := float64(now - u.start)
	if span <= 0 || maxSize <= 0 {
		return 0
	}
	return min(max(busy/(span*float64(maxSize)), 0), 1)
}
