package workload

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Run drives o.Op until the duration or the request budget is spent, or ctx
// is cancelled, and returns the measured figures. Invalid options are an
// error wrapping ErrInvalidOptions. Cancellation is not an error: the
// Result holds the figures up to that point and Partial is true.
//
// When the duration ends, no new operation starts and operations in flight
// get at most Drain (DefaultDrain) to finish; then they are cancelled and
// counted as abandoned, so a run with a Duration ends within Warmup +
// Duration + Drain. The closed model measures the operations that end
// inside the window [end of warm-up, end of Duration]; the open model
// measures every arrival due after the warm-up that started before the end,
// including those that finish in the drain (see worker.done). Arrivals that
// cannot start in time — the backlog is full, or the window ended while
// they waited — are dropped and counted, never run. On cancellation,
// operations in flight see ctx cancelled and queued arrivals are discarded.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	r := newRunner(o)
	res := r.run(ctx)
	if err := r.failed.Load(); err != nil {
		return res, &FailFastError{Name: o.Name, Ops: o.FailFast, Err: *err}
	}
	return res, nil
}

// runner is one Run in progress.
type runner struct {
	o    Options
	open bool
	recs []*recorder

	base      time.Time // start of the run (monotonic reference)
	interval  float64   // open model: ns between arrivals
	measureNs int64     // start of the measured phase, relative to base
	endNs     int64     // end of the measured phase (0 = none)

	issued    atomic.Uint64 // operations claimed against Requests
	exhausted atomic.Bool   // the request budget ran out
	stop      atomic.Bool   // no new operation may start (closed model)
	dropped   atomic.Uint64 // open model: measured arrivals that could not start in time

	// opCtx is what operations run under: ctx, also cancelled when the
	// drain after the window runs out.
	opCtx     context.Context
	cancelOps context.CancelFunc

	// ff watches the first operations (Options.FailFast); when they all
	// failed alike, failed holds the error and abort stops the run.
	ff     *failFast
	failed atomic.Pointer[error]
	abort  context.CancelFunc

	// wantMark: Options.OnMeasure is to be called (there is a warm-up);
	// marked: it has been (markAt).
	wantMark bool
	marked   atomic.Bool
}

func newRunner(o Options) *runner {
	r := &runner{o: o, open: o.Rate > 0, interval: float64(time.Second) / o.Rate}
	if o.FailFast > 0 {
		r.ff = &failFast{n: o.FailFast}
	}
	r.recs = make([]*recorder, o.Concurrency)
	for i := range r.recs {
		r.recs[i] = newRecorder(r.open)
	}
	return r
}

func (r *runner) now() int64 { return int64(time.Since(r.base)) }

func (r *runner) run(parent context.Context) *Result {
	// ctx is the caller's, also cancelled by a fail-fast stop.
	ctx, abort := context.WithCancel(parent)
	defer abort()
	r.abort = abort
	r.opCtx, r.cancelOps = context.WithCancel(ctx)
	defer r.cancelOps()
	r.base = time.Now()
	r.measureNs = int64(r.o.Warmup)
	if r.o.Duration > 0 {
		r.endNs = r.measureNs + int64(r.o.Duration)
	}
	res := &Result{
		Name: r.o.Name, Model: r.o.Model(), Concurrency: r.o.Concurrency, Rate: r.o.Rate,
		Started: r.base, Warmup: r.o.Warmup,
		OpTimeout: max(0, r.o.OpTimeout), OpTimeoutMs: durMs(max(0, r.o.OpTimeout)),
	}
	if r.o.Cache != nil {
		res.Cache = &CacheResult{Keys: r.o.Keys, Dist: r.o.KeyDist}
	}

	done := make(chan struct{})
	var watchers sync.WaitGroup
	watchers.Add(1)
	go func() { defer watchers.Done(); r.watch(ctx, done) }()
	if r.o.Progress != nil {
		watchers.Add(1)
		go func() { defer watchers.Done(); r.progress(done) }()
	}
	r.wantMark = r.o.OnMeasure != nil && r.measureNs > 0
	if r.wantMark {
		watchers.Add(1)
		go func() { defer watchers.Done(); r.markMeasure(ctx, done) }()
	}

	var workers sync.WaitGroup
	var arrivals chan int64
	if r.open {
		arrivals = make(chan int64, r.o.MaxBacklog)
		workers.Add(1)
		go func() { defer workers.Done(); r.schedule(ctx, arrivals) }()
	}
	for i, rec := range r.recs {
		workers.Add(1)
		go func() {
			defer workers.Done()
			w := r.newWorker(i, rec)
			if r.open {
				w.openLoop(ctx, arrivals)
			} else {
				w.closedLoop(ctx)
			}
		}()
	}
	workers.Wait()
	close(done)
	watchers.Wait()

	// The closed model's window is exactly Duration when the run reached
	// its end; otherwise (requests ran out, cancel, open model) it lasts
	// until the last measured completion.
	var window time.Duration
	if !r.open && r.endNs > 0 && ctx.Err() == nil && !r.exhausted.Load() {
		window = r.o.Duration
	}
	merge(res, r.recs, r.open, window)
	res.Dropped = r.dropped.Load()
	if res.Cache != nil {
		res.Cache.Stats = r.o.Cache.Stats()
	}
	res.Partial = parent.Err() != nil || r.failed.Load() != nil
	return res
}

// watch raises stop at the end of the measured phase or on cancellation,
// and cancels the operations still in flight when the drain after the end
// runs out.
func (r *runner) watch(ctx context.Context, done <-chan struct{}) {
	var deadline <-chan time.Time
	if r.endNs > 0 {
		t := time.NewTimer(time.Duration(r.endNs - r.now()))
		defer t.Stop()
		deadline = t.C
	}
	select {
	case <-ctx.Done():
		r.stop.Store(true)
		return
	case <-done:
		r.stop.Store(true)
		return
	case <-deadline:
		r.stop.Store(true)
	}
	drain := time.NewTimer(r.o.Drain)
	defer drain.Stop()
	select {
	case <-ctx.Done():
	case <-done:
	case <-drain.C:
		r.cancelOps()
	}
}

// markAt calls Options.OnMeasure, once, for the first operation that starts
// (closed model) or is due (open model) at or after the end of the warm-up,
// before it runs: a timer alone fires late on a loaded machine, and the
// operations that ended meanwhile would be in the workload's figures but
// not in the pool's. Once done it costs one atomic load per operation.
func (r *runner) markAt(at int64) {
	if r.wantMark && at >= r.measureNs && !r.marked.Load() && r.marked.CompareAndSwap(false, true) {
		r.o.OnMeasure()
	}
}

// markMeasure calls markAt at the end of the warm-up, for when no operation
// starts then (all are blocked), unless the run ends or is cancelled first.
func (r *runner) markMeasure(ctx context.Context, done <-chan struct{}) {
	t := time.NewTimer(time.Duration(r.measureNs - r.now()))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-done:
	case <-t.C:
		r.markAt(r.measureNs)
	}
}

// claim reserves one operation against the request budget.
func (r *runner) claim() bool {
	if r.o.Requests == 0 {
		return true
	}
	if r.issued.Add(1) > r.o.Requests {
		r.exhausted.Store(true)
		r.stop.Store(true)
		return false
	}
	return true
}

// dueAt is when arrival i is due, in ns since base.
func (r *runner) dueAt(i uint64) int64 { return int64(float64(i) * r.interval) }

// arrivalsBefore is how many arrivals are due before t (ns since base).
func (r *runner) arrivalsBefore(t int64) uint64 {
	if t <= 0 {
		return 0
	}
	k := uint64(math.Ceil(float64(t) / r.interval))
	for k > 0 && r.dueAt(k-1) >= t {
		k--
	}
	for r.dueAt(k) < t {
		k++
	}
	return k
}

// dropRange counts arrivals [from, to) as dropped, those due in the
// measured phase only.
func (r *runner) dropRange(from, to uint64) {
	from = max(from, r.arrivalsBefore(r.measureNs))
	if to > from {
		r.dropped.Add(to - from)
	}
}

// schedule emits arrival times (ns since base) at the configured rate.
// Arrival i is due at i/Rate; when the scheduler wakes late it emits every
// due arrival at once, each with its own due time, so lateness shows in the
// latency rather than shifting the schedule. When the backlog is full, the
// rest of the arrivals due so far are dropped at once, and at the end of the
// window every arrival not yet emitted is: the scheduler never catches up
// missed arrivals one by one, so its work per wake-up is bounded by the
// backlog and the workers' pace, whatever the rate.
func (r *runner) schedule(ctx context.Context, arrivals chan<- int64) {
	defer close(arrivals)
	limit := uint64(math.MaxUint64)
	if r.endNs > 0 {
		limit = r.arrivalsBefore(r.endNs)
	}
	if r.o.Requests > 0 && r.o.Requests < limit {
		limit = r.o.Requests
		defer r.exhausted.Store(true)
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for i := uint64(0); i < limit; {
		if ctx.Err() != nil {
			return
		}
		if wait := r.dueAt(i) - r.now(); wait > 0 {
			timer.Reset(time.Duration(wait))
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		now := r.now()
		if r.endNs > 0 && now >= r.endNs {
			r.dropRange(i, limit) // due in the window, but the window is over
			return
		}
		n := min(r.arrivalsBefore(now+1), limit)
		for ; i < n; i++ {
			if i&255 == 0 && r.endNs > 0 && r.now() >= r.endNs {
				r.dropRange(i, limit)
				return
			}
			select {
			case arrivals <- r.dueAt(i):
				continue
			default:
			}
			r.dropRange(i, n) // the backlog is full
			i = n
			break
		}
	}
}

// worker runs operations and records them into its own recorder.
type worker struct {
	r    *runner
	rec  *recorder
	keys keyGen
}

func (r *runner) newWorker(i int, rec *recorder) *worker {
	w := &worker{r: r, rec: rec}
	if r.o.Cache != nil {
		rng := rand.New(rand.NewPCG(r.o.Seed, uint64(r.o.WorkerOffset+i)+1))
		w.keys = newKeyGen(r.o.KeyDist, r.o.Keys, rng)
	}
	return w
}

func (w *worker) closedLoop(ctx context.Context) {
	r := w.r
	for !r.stop.Load() {
		start := r.now()
		if r.endNs > 0 && start >= r.endNs {
			return
		}
		if !r.claim() {
			return
		}
		r.markAt(start)
		hit, err := w.do(r.opCtx)
		w.done(ctx, start, start, r.now(), hit, err)
	}
}

func (w *worker) openLoop(ctx context.Context, arrivals <-chan int64) {
	r := w.r
	for due := range arrivals {
		if ctx.Err() != nil {
			continue // cancelled: discard what is queued
		}
		start := r.now()
		if r.endNs > 0 && start >= r.endNs {
			// Still queued when the window ended: it cannot start in time.
			if due >= r.measureNs {
				r.dropped.Add(1)
			}
			continue
		}
		if due >= r.measureNs && start-due > int64(r.o.LateAfter) {
			w.rec.late++
		}
		r.markAt(due)
		hit, err := w.do(r.opCtx)
		w.done(ctx, due, start, r.now(), hit, err)
	}
}

// done counts a finished operation if it belongs to the measured phase:
//
//   - closed model: it ended inside the measurement window (after the
//     warm-up, and before the end of Duration when there is one). Counting
//     by completion keeps the window's throughput true when operations queue
//     (an operation started in the warm-up that ends in the window is a
//     window completion; one still running at the end is not).
//   - open model: it was due (arrived) after the warm-up, whenever it ended
//     (in the drain included), so every scheduled arrival is measured,
//     dropped or abandoned.
//
// Operations that failed because the run itself was cancelled, or because
// the drain ran out (abandoned), are never measured: they were interrupted
// by us, not failed by the target.
func (w *worker) done(ctx context.Context, due, start, end int64, hit bool, err error) {
	if hit {
		w.rec.hitN.Add(1)
	} else {
		w.rec.ops.Add(1)
	}
	if err != nil {
		w.rec.errs.Add(1)
	}
	r := w.r
	if err != nil && r.opCtx.Err() != nil {
		if ctx.Err() == nil {
			w.rec.abandoned++
			age := end - start
			w.rec.abandonedMaxNs = max(w.rec.abandonedMaxNs, age)
			w.rec.abandonedSumNs += age
		}
		return
	}
	if stop := r.ff.observe(err); stop != nil {
		r.failed.Store(&stop)
		r.stop.Store(true)
		r.abort()
	}
	if r.endNs > 0 && start < r.endNs && end > r.endNs {
		w.rec.drained++
	}
	if r.open && due < r.measureNs {
		return
	}
	if !r.open && (end < r.measureNs || (r.endNs > 0 && end > r.endNs)) {
		return
	}
	if w.keys != nil {
		if hit {
			w.rec.hits++
		} else {
			w.rec.misses++
		}
	}
	m := w.r.measureNs
	w.rec.record(due-m, start-m, end-m, err)
}

// do runs one operation, through the cache when there is one; hit reports
// that the cache answered and Op did not run.
func (w *worker) do(ctx context.Context) (hit bool, err error) {
	r := w.r
	if w.keys == nil {
		return false, w.op(ctx)
	}
	key := w.keys.next()
	if r.o.Cache.Lookup(key) {
		if !r.open {
			// A closed loop of cache hits never blocks: yield, so it cannot
			// starve the I/O-bound workers of other pools in this process
			// (and in-process targets) of the scheduler.
			runtime.Gosched()
		}
		return true, nil
	}
	if err := w.op(ctx); err != nil {
		return false, err
	}
	r.o.Cache.Fill(key)
	return false, nil
}

func (w *worker) op(ctx context.Context) error {
	if w.r.o.OpTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.r.o.OpTimeout)
		defer cancel()
	}
	return w.r.o.Op(ctx)
}

// progress reports live counts every interval until done.
func (r *runner) progress(done <-chan struct{}) {
	t := time.NewTicker(r.o.ProgressInterval)
	defer t.Stop()
	var last, lastHits uint64
	lastAt := time.Now()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			var ops, errs, hits uint64
			for _, rec := range r.recs {
				ops += rec.ops.Load()
				errs += rec.errs.Load()
				hits += rec.hitN.Load()
			}
			p := Progress{Name: r.o.Name, Ops: ops, Errors: errs, Hits: hits}
			p.Elapsed = time.Duration(r.now() - r.measureNs)
			p.Warmup = p.Elapsed < 0
			if d := now.Sub(lastAt).Seconds(); d > 0 {
				p.Rate = float64(ops-last) / d
				p.HitRate = float64(hits-lastHits) / d
			}
			last, lastHits, lastAt = ops, hits, now
			r.o.Progress(p)
		}
	}
}
