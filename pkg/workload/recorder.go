package workload

import (
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/pkg/redact"
)

// Histogram range: 100 ns resolution (64 ns buckets) up to one hour, three
// significant digits — about 220 KB per histogram. Longer values are
// recorded as one hour and counted in Result.Clamped.
const (
	histLowest  = 100
	histHighest = int64(time.Hour)
	histDigits  = 3
)

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histDigits)
}

// second is one bucket of the per-second series.
type second struct {
	ops, errors uint64
	latencyNs   int64 // sum, for the mean
}

// recorder accumulates one worker's figures. Only its worker writes to it
// during the run; ops and errs are atomic so progress can read them.
type recorder struct {
	ops  atomic.Uint64 // operations that ran Op, warm-up included (for progress)
	errs atomic.Uint64
	hitN atomic.Uint64 // cache hits (Op did not run), warm-up included

	latency *hdrhistogram.Histogram // from scheduled (open) or actual (closed) start
	service *hdrhistogram.Histogram // open model only: from actual start
	clamped uint64

	measured  uint64
	errors    [numClasses]uint64
	samples   [numClasses]string
	late      uint64
	drained   uint64 // in flight at the end of the window, finished in the drain
	abandoned uint64 // in flight at the end of the drain, cancelled
	// ages of the abandoned operations when cut (ns): the oldest and the sum
	abandonedMaxNs, abandonedSumNs int64
	hits                           uint64
	misses                         uint64
	series                         []second
	lastEndNs                      int64 // relative to the measured phase's start

	_ [64]byte // keep recorders on separate cache lines
}

func newRecorder(open bool) *recorder {
	r := &recorder{latency: newHistogram()}
	if open {
		r.service = newHistogram()
	}
	return r
}

// record stores one measured operation. startNs is when it was due (open
// model) or started (closed), runNs when it actually started, endNs when it
// ended; all relative to the measured phase's start.
func (r *recorder) record(startNs, runNs, endNs int64, err error) {
	r.measured++
	lat := endNs - startNs
	r.recordValue(r.latency, lat)
	if r.service != nil {
		r.recordValue(r.service, endNs-runNs)
	}
	sec := int(max(endNs, 0) / int64(time.Second))
	for len(r.series) <= sec {
		r.series = append(r.series, second{})
	}
	b := &r.series[sec]
	b.ops++
	b.latencyNs += lat
	if err != nil {
		b.errors++
		c := Classify(err)
		r.errors[c]++
		if r.samples[c] == "" {
			r.samples[c] = redact.Text(err.Error())
		}
	}
	if endNs > r.lastEndNs {
		r.lastEndNs = endNs
	}
}

func (r *recorder) recordValue(h *hdrhistogram.Histogram, v int64) {
	if v < 0 {
		v = 0
	}
	if v > histHighest {
		v = histHighest
		r.clamped++
	}
	_ = h.RecordValue(v) // in range by construction
}
