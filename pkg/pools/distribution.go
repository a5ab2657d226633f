package pools

import (
	"errors"
	"fmt"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The geometry of every pool histogram, which a Distribution read back from
// a file must have for merging to be exact: values in microseconds, DistLowestUs
// to DistHighestUs (one hour) at DistDigits significant digits. Longer
// durations are recorded as one hour (max and mean stay exact), so a merge
// of two pools' distributions never drops a value.
const (
	DistLowestUs  = histLowestUs
	DistHighestUs = histHighestUs
	DistDigits    = histDigits
)

// Distribution is one of a pool's duration histograms as of a snapshot,
// with the exact sum and max kept beside it: what Snapshot's quantiles are
// computed from. Distributions of several pools (or of one pool's shards
// run on several machines) merge exactly: the merged quantiles are those of
// one histogram fed with every value.
type Distribution struct {
	h     *hdrhistogram.Histogram
	sumNs float64
	maxNs int64
}

// NewDistribution is an empty distribution with the pools' geometry.
func NewDistribution() Distribution {
	d := newDurations()
	return d.freeze()
}

// DistributionOf rebuilds a distribution from its parts (as written by
// Histogram, SumNs and MaxNs). It refuses a histogram of another geometry,
// which could not be merged without losing values.
func DistributionOf(h *hdrhistogram.Histogram, sumNs float64, maxNs int64) (Distribution, error) {
	if h == nil {
		return Distribution{}, errors.New("no histogram")
	}
	if h.LowestTrackableValue() != DistLowestUs || h.HighestTrackableValue() != DistHighestUs ||
		h.SignificantFigures() != DistDigits {
		return Distribution{}, fmt.Errorf("histogram range %d–%d µs at %d digits, want %d–%d µs at %d digits",
			h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures(),
			int64(DistLowestUs), DistHighestUs, DistDigits)
	}
	return Distribution{h: h, sumNs: sumNs, maxNs: maxNs}, nil
}

// Histogram is the distribution's HdrHistogram (microseconds). Treat it as
// read-only.
func (d Distribution) Histogram() *hdrhistogram.Histogram { return d.h }

// Count is the number of durations recorded.
func (d Distribution) Count() int64 {
	if d.h == nil {
		return 0
	}
	return d.h.TotalCount()
}

// SumNs is the exact sum of the durations, in nanoseconds.
func (d Distribution) SumNs() float64 { return d.sumNs }

// MaxNs is the exact longest duration, in nanoseconds.
func (d Distribution) MaxNs() int64 { return d.maxNs }

// Quantiles summarises the distribution as Snapshot does, in milliseconds.
func (d Distribution) Quantiles() Quantiles {
	if d.h == nil {
		return Quantiles{}
	}
	return d.quantiles()
}

// Merge adds o's durations to d (whose histogram it changes) and returns
// how many values d's histogram could not hold: always 0 for two
// distributions of the pools' geometry.
func (d *Distribution) Merge(o Distribution) (dropped int64) {
	if d.h == nil {
		*d = NewDistribution()
	}
	if o.h != nil {
		dropped = d.h.Merge(o.h)
	}
	d.sumNs += o.sumNs
	d.maxNs = max(d.maxNs, o.maxNs)
	return dropped
}

// Distributions are a pool's histograms as of one moment.
type Distributions struct {
	AcquireWait Distribution // every acquire's wait, the zero waits included
	Hold        Distribution // how long checked-out connections were held
	Connect     Distribution // how long dialling took
}

// Distributions returns copies of the pool's histograms, taken under its
// lock as Snapshot takes them: the acquire-wait one includes the acquires
// that did not wait, so its count is Snapshot.AcquireCount.
func (p *Pool[C]) Distributions() Distributions {
	p.mu.Lock()
	d := p.freezeDistributions()
	p.mu.Unlock()
	d.addZeroWaits()
	return d.Distributions
}

// frozenDistributions are the histograms copied under the lock, with the
// zero waits still to be recorded outside it.
type frozenDistributions struct {
	Distributions
	zeroWaits int64
}

// freezeDistributions copies the histograms. Call with p.mu held.
func (p *Pool[C]) freezeDistributions() frozenDistributions {
	return frozenDistributions{
		Distributions: Distributions{AcquireWait: p.wait.freeze(), Hold: p.hold.freeze(), Connect: p.connect.freeze()},
		zeroWaits:     int64(p.count.acquires - min(p.handedOff, p.count.acquires)), // a reset (ResetStats) can leave handedOff above acquires
	}
}

// addZeroWaits records the acquires that never queued as zero waits; it
// runs outside the pool's lock.
func (f *frozenDistributions) addZeroWaits() {
	_ = f.AcquireWait.h.RecordValues(0, f.zeroWaits)
}

// Distributions returns the runner's pool's histograms.
func (r *runner[C]) Distributions() Distributions { return r.pool.Distributions() }

// DistributionSource is implemented by every Runner this package makes:
// the pool's histograms, for result files that are merged later.
type DistributionSource interface {
	Distributions() Distributions
}
