package workload

import (
	"math"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/pkg/cache"
)

// Quantiles summarise a latency histogram, in milliseconds.
type Quantiles struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func quantilesOf(h *hdrhistogram.Histogram) Quantiles {
	if h == nil || h.TotalCount() == 0 {
		return Quantiles{}
	}
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	return Quantiles{
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)),
		P95: ms(h.ValueAtQuantile(95)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()), Mean: h.Mean() / 1e6,
	}
}

// LatencyBounds are the upper bounds, in milliseconds, of the bins of
// Result.LatencyHistogram: 50 µs to 10 s in 1-2.5-5 steps. Treat it as
// read-only.
var LatencyBounds = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000}

// LatencyBin counts the operations that took more than the previous bin's
// bound and at most UpperMs; the last bin of a histogram may have UpperMs
// +Inf (everything above the last bound).
type LatencyBin struct {
	UpperMs float64
	Count   uint64
}

// binsOf counts h's values per bound (ms), from the first bin to the last
// one with a count; values above the last bound go to a +Inf bin. A value
// is binned by the lowest value of its histogram bucket (three significant
// digits), so one up to 0.1 % above a bound may be counted under it.
func binsOf(h *hdrhistogram.Histogram, bounds []float64) []LatencyBin {
	if h == nil || h.TotalCount() == 0 {
		return nil
	}
	bins := make([]LatencyBin, len(bounds)+1)
	for i, b := range bounds {
		bins[i].UpperMs = b
	}
	bins[len(bounds)].UpperMs = math.Inf(1)
	for _, bar := range h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		ms := float64(bar.From) / 1e6 // the bar holds From..To ns
		i, _ := slices.BinarySearch(bounds, ms)
		bins[i].Count += uint64(bar.Count)
	}
	last := len(bins) - 1
	for last > 0 && bins[last].Count == 0 {
		last--
	}
	return bins[:last+1]
}

// Point is one second of the measured phase.
type Point struct {
	Second int     `json:"second"` // 0 is the first second after the warm-up
	Ops    uint64  `json:"ops"`    // operations that ended in this second
	Errors uint64  `json:"errors"`
	MeanMs float64 `json:"mean_latency_ms"`
}

// CacheResult is the read-through cache's part of a run.
type CacheResult struct {
	Keys    int         `json:"keys"`
	Dist    KeyDist     `json:"distribution"`
	Hits    uint64      `json:"hits"`   // measured operations served by the cache
	Misses  uint64      `json:"misses"` // measured operations that ran Op
	HitRate float64     `json:"hit_rate"`
	Stats   cache.Stats `json:"stats"` // the cache's own counters (since its last reset: see Options.OnMeasure)
}

// PoolThroughput is the measured operations per second that ran Op — that
// reached the pool — and succeeded: Throughput without a cache; with one,
// the misses that did not fail (cache hits never reach the pool, and the
// pool's figures must not count them).
func (r *Result) PoolThroughput() float64 {
	if r.Cache == nil {
		return r.Throughput
	}
	if r.Elapsed <= 0 {
		return 0
	}
	ok := r.Cache.Misses - min(r.Errors.Total(), r.Cache.Misses)
	return float64(ok) / r.Elapsed.Seconds()
}

// Result is the outcome of one Run. Figures cover the measured phase only
// (after the warm-up).
type Result struct {
	Name        string  `json:"name"`
	Model       string  `json:"model"` // closed | open
	Concurrency int     `json:"concurrency"`
	Rate        float64 `json:"rate,omitempty"` // offered arrivals per second (open model)

	Started  time.Time     `json:"started"`
	Warmup   time.Duration `json:"-"`
	Elapsed  time.Duration `json:"-"`
	WarmupS  float64       `json:"warmup_seconds"`
	ElapsedS float64       `json:"elapsed_seconds"` // the measured window (see Run)

	Operations uint64  `json:"operations"` // measured operations completed, failed ones included
	Succeeded  uint64  `json:"succeeded"`
	Throughput float64 `json:"throughput_per_s"` // Operations / elapsed
	// Errors by class, with the first message seen in each (redacted).
	Errors       ErrorCounts       `json:"errors"`
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	ErrorRate    float64           `json:"error_rate"` // failed / Operations

	// Latency of every measured operation, failed ones included. In the open
	// model it runs from the scheduled arrival, so it includes queueing —
	// and the scheduler's own wake-up delay (timer resolution, up to about
	// 1 ms), which ServiceTime does not.
	Latency Quantiles `json:"latency_ms"`
	// LatencyHistogram is the same distribution in bins at LatencyBounds
	// (for charts); not in the JSON, which has the quantiles.
	LatencyHistogram []LatencyBin `json:"-"`
	// LatencyHist is the HdrHistogram behind Latency (nanoseconds, in
	// NewHistogram's geometry), for result files that are merged later
	// (MergeLatency); not in the JSON. Treat it as read-only.
	LatencyHist *hdrhistogram.Histogram `json:"-"`
	// ServiceTime (open model) runs from the actual start: Latency minus
	// the time spent waiting for a free worker.
	ServiceTime *Quantiles `json:"service_time_ms,omitempty"`
	// Late (open model) counts operations that started more than LateAfter
	// after their arrival; Dropped counts measured arrivals that could not
	// start in time and were never run: they found the backlog full, or the
	// window ended before a worker was free for them.
	Late    uint64 `json:"late"`
	Dropped uint64 `json:"dropped"`
	// Drained counts operations in flight when the window ended that
	// finished within the drain (Options.Drain); in the open model they
	// are measured, in the closed model they end outside the window and
	// are not. Abandoned counts those still running when the drain ran
	// out: they were cancelled and are not measured.
	Drained   uint64 `json:"drained"`
	Abandoned uint64 `json:"abandoned"`
	// AbandonedAge is how long the abandoned operations had been running
	// when they were cut: the oldest and the mean (zero when none). A stall
	// shows as an age close to the window's end minus the stall's start.
	AbandonedAge AbandonedAge `json:"abandoned_age_ms"`
	// OpTimeout is the bound on one operation (Options.OpTimeout; zero for
	// none): an abandoned operation is one that neither finished nor timed
	// out before the drain ran out.
	OpTimeout   time.Duration `json:"-"`
	OpTimeoutMs float64       `json:"op_timeout_ms"`
	// Clamped counts latencies beyond the histogram's one-hour range.
	Clamped uint64 `json:"clamped,omitempty"`

	Series []Point      `json:"series"`
	Cache  *CacheResult `json:"cache,omitempty"`
	// Scripts (--script runs) are each script's runs and its statements'
	// latency, as pgbench -r reports them; absent for other operations.
	Scripts []ScriptResult `json:"scripts,omitempty"`
	// Partial is true when the context was cancelled before the run ended.
	Partial bool `json:"partial"`
}

// ScriptResult is one script of a --script mix: its measured runs and
// the latency of each of its statements.
type ScriptResult struct {
	Name   string `json:"name"`   // the file, as given
	Weight int    `json:"weight"` // as given in FILE@WEIGHT (1 by default)
	Runs   uint64 `json:"runs"`   // measured runs, failed ones included
	Failed uint64 `json:"failed"` // runs that ended with an error
	// Statements are the script's statements in file order.
	Statements []StatementResult `json:"statements"`
}

// StatementResult is one statement's latency over the runs in which it
// succeeded (a failed statement ends its run and is counted in
// ScriptResult.Failed, not here).
type StatementResult struct {
	Line   int     `json:"line"`    // where the statement starts in its file
	SQL    string  `json:"sql"`     // as written, :variables included
	Count  uint64  `json:"count"`   // measured executions that succeeded
	MeanMs float64 `json:"mean_ms"` // mean latency, milliseconds
	P99Ms  float64 `json:"p99_ms"`  // 99th percentile latency, milliseconds
}

// AbandonedAge summarises the ages of the abandoned operations, in
// milliseconds.
type AbandonedAge struct {
	Oldest float64 `json:"oldest"`
	Mean   float64 `json:"mean"`
}

// merge folds the per-worker recorders into a Result.
func merge(res *Result, recs []*recorder, open bool, window time.Duration) {
	lat := newHistogram()
	var svc *hdrhistogram.Histogram
	if open {
		svc = newHistogram()
	}
	var errs [numClasses]uint64
	samples := map[string]string{}
	var series []second
	var lastEnd int64
	var hits, misses uint64
	var oldest, ageSum int64
	for _, r := range recs {
		lat.Merge(r.latency)
		if svc != nil {
			svc.Merge(r.service)
		}
		res.Operations += r.measured
		res.Late += r.late
		res.Drained += r.drained
		res.Abandoned += r.abandoned
		oldest = max(oldest, r.abandonedMaxNs)
		ageSum += r.abandonedSumNs
		res.Clamped += r.clamped
		hits += r.hits
		misses += r.misses
		for c := range numClasses {
			errs[c] += r.errors[c]
			if r.samples[c] != "" && samples[c.String()] == "" {
				samples[c.String()] = r.samples[c]
			}
		}
		for len(series) < len(r.series) {
			series = append(series, second{})
		}
		for i, b := range r.series {
			series[i].ops += b.ops
			series[i].errors += b.errors
			series[i].latencyNs += b.latencyNs
		}
		lastEnd = max(lastEnd, r.lastEndNs)
	}
	res.Errors = countsFrom(errs)
	if res.Abandoned > 0 {
		res.AbandonedAge = AbandonedAge{Oldest: durMs(time.Duration(oldest)), Mean: durMs(time.Duration(ageSum / int64(res.Abandoned)))}
	}
	if len(samples) > 0 {
		res.ErrorSamples = samples
	}
	failed := res.Errors.Total()
	res.Succeeded = res.Operations - failed
	if res.Operations > 0 {
		res.ErrorRate = float64(failed) / float64(res.Operations)
	}
	res.Elapsed = window
	if window == 0 {
		res.Elapsed = time.Duration(lastEnd)
	}
	res.ElapsedS = res.Elapsed.Seconds()
	res.WarmupS = res.Warmup.Seconds()
	if res.Elapsed > 0 {
		res.Throughput = float64(res.Operations) / res.Elapsed.Seconds()
	}
	res.Latency = quantilesOf(lat)
	res.LatencyHistogram = binsOf(lat, LatencyBounds)
	res.LatencyHist = lat
	if svc != nil {
		q := quantilesOf(svc)
		res.ServiceTime = &q
	}
	res.Series = make([]Point, len(series))
	for i, b := range series {
		p := Point{Second: i, Ops: b.ops, Errors: b.errors}
		if b.ops > 0 {
			p.MeanMs = float64(b.latencyNs) / float64(b.ops) / 1e6
		}
		res.Series[i] = p
	}
	if res.Cache != nil {
		res.Cache.Hits, res.Cache.Misses = hits, misses
		if hits+misses > 0 {
			res.Cache.HitRate = float64(hits) / float64(hits+misses)
		}
	}
}

// durMs is d in milliseconds, to the microsecond.
func durMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
