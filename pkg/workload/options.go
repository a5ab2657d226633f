// Package workload drives operations against a target — typically a
// connection pool's Do — and measures them: a closed model (a fixed number of
// workers, each starting its next operation when the last one ends) or an
// open model (operations arrive at a fixed rate whether or not earlier ones
// have finished, and each one's latency is measured from its scheduled
// arrival, so queueing is never hidden).
//
// Figures are accumulated per worker (one HdrHistogram each, no shared lock
// on the recording path) and merged once at the end into a Result. The
// package never prints; it reports progress through an optional callback.
package workload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultConcurrency is the number of workers (closed model) or the
	// maximum number of operations in flight (open model).
	DefaultConcurrency = 32
	// DefaultDuration is the measured duration when neither Duration nor
	// Requests is set.
	DefaultDuration = 10 * time.Second
	// DefaultOpTimeout bounds one operation, so a stalled target shows as
	// timeouts instead of a hang.
	DefaultOpTimeout = 10 * time.Second
	// DefaultLateAfter: in the open model an operation that starts more than
	// this after its scheduled arrival is counted as late. It sits above the
	// scheduler's own timer resolution (about 1 ms on Linux: Go timers wake
	// up to a millisecond late), so only waits for a free worker count.
	DefaultLateAfter = 2 * time.Millisecond
	// DefaultDrain bounds how long operations still in flight when the
	// measured window ends may take to finish, so a run lasts at most
	// Warmup + Duration + Drain whatever the target does (a stalled target
	// would otherwise hold it for OpTimeout). Operations cut by it are
	// counted in Result.Abandoned and not measured.
	DefaultDrain = 2 * time.Second
	// DefaultMaxBacklogCap caps the default open-model backlog (one second
	// of arrivals): at very high rates a larger queue only holds arrivals
	// that would start far too late to mean anything, and costs memory.
	DefaultMaxBacklogCap = 1 << 16
	// DefaultKeys is the key space of the read-through cache mode.
	DefaultKeys = 10_000
	// DefaultDist is the key distribution when KeyDist.Kind is empty.
	DefaultDist = DistZipf
	// DefaultZipfS is the zipf exponent when KeyDist.S is zero.
	DefaultZipfS = 1.01
	// DefaultHotFraction is the share of keys that are hot in the hotset
	// distribution.
	DefaultHotFraction = 0.2
	// DefaultHotShare is the share of accesses that go to the hot keys.
	DefaultHotShare = 0.8
	// DefaultFailFast is the Options.FailFast the load commands use.
	DefaultFailFast = 20
	// DefaultProgressInterval is how often Progress is called.
	DefaultProgressInterval = time.Second
)

// Model names.
const (
	ModelClosed = "closed"
	ModelOpen   = "open"
)

// ErrInvalidOptions wraps every error about the Options themselves, so a
// command can report it as bad usage.
var ErrInvalidOptions = errors.New("invalid workload options")

// Op is one operation against a target, such as a pool runner's Do. It must
// honour ctx.
type Op func(ctx context.Context) error

// Options configure one Run. Zero values mean the documented defaults.
type Options struct {
	// Name labels the result ("database", "redis", …).
	Name string
	// Op is the operation to drive. Required.
	Op Op

	// Concurrency is the number of workers. In the closed model each runs
	// operations back to back; in the open model it is the most operations
	// in flight at once. Zero means DefaultConcurrency.
	Concurrency int
	// Rate is arrivals per second for the open model; zero selects the
	// closed model.
	Rate float64

	// Duration is the measured time after the warm-up. Zero means
	// DefaultDuration unless Requests is set, in which case the run is
	// bounded by Requests only.
	Duration time.Duration
	// Requests bounds the run to this many operations in total, the warm-up's
	// included (like redis-benchmark -n). With both Duration and Requests
	// set, the run ends at whichever comes first.
	Requests uint64
	// Warmup runs operations that are not counted in any figure.
	Warmup time.Duration
	// OnMeasure, when set, is called once, from a goroutine of the run's
	// own, when the warm-up ends and the measured phase begins (not at all
	// without a warm-up, nor when the run ends or is cancelled first), so
	// that figures kept outside the Result — a pool's counters
	// (pools.Runner.ResetStats) — leave the warm-up out too. Run returns
	// only after it has returned.
	OnMeasure func()

	// OpTimeout bounds each operation; zero means DefaultOpTimeout and a
	// negative value means no bound other than ctx.
	OpTimeout time.Duration
	// LateAfter is the open model's lateness threshold; zero means
	// DefaultLateAfter.
	LateAfter time.Duration
	// MaxBacklog bounds, in the open model, the arrivals that are due but not
	// yet started. Zero means max(Concurrency, min(⌈Rate⌉,
	// DefaultMaxBacklogCap)): at most about one second of arrivals queue up;
	// an arrival that finds the backlog full is dropped and counted in
	// Result.Dropped, never run or measured.
	MaxBacklog int
	// Drain bounds how long operations in flight at the end of Duration
	// may still run; zero means DefaultDrain. When it runs out they are
	// cancelled and counted in Result.Abandoned. It does not apply to runs
	// bounded by Requests alone (they end when the budget is spent).
	Drain time.Duration

	// Cache, when set, puts a read-through cache in front of Op: each
	// operation draws a key from KeyDist over Keys; a hit skips Op, a miss
	// runs it and, when it succeeds, fills the cache.
	Cache Cache
	// Keys is the key space for the cache mode; zero means DefaultKeys.
	Keys int
	// KeyDist is the key distribution for the cache mode.
	KeyDist KeyDist
	// Seed makes key sequences reproducible; zero means a fixed seed of 1.
	Seed uint64
	// WorkerOffset numbers this run's workers from WorkerOffset on for
	// their key sequences: a shard of a sharded run (--shard I/N) passes
	// the number of workers of the shards before it, so together the
	// shards' workers draw the key sequences of the unsharded run's. The
	// key space is shared, not partitioned.
	WorkerOffset int

	// FailFast, when positive, stops the run once the first FailFast
	// operations (the warm-up's included) have all failed with the same
	// error: the same text, classed server or other (a bad query, an
	// unknown command, a rejected login — not a timeout, refusal or reset,
	// which may pass). Run then returns a *FailFastError with the Result.
	// One success among them disarms the check for the rest of the run.
	FailFast int

	// Progress, when set, is called every ProgressInterval from a separate
	// goroutine while the run lasts.
	Progress func(Progress)
	// ProgressInterval is how often Progress is called; zero means
	// DefaultProgressInterval.
	ProgressInterval time.Duration
}

// Progress is a live view of a running workload.
type Progress struct {
	Name    string        `json:"name"`
	Warmup  bool          `json:"warmup"`  // still warming up
	Elapsed time.Duration `json:"elapsed"` // since the measured phase began (negative during warm-up)
	// Ops are the operations that ran Op (went to the pool) since the
	// start, warm-up included; cache hits are not among them (Hits).
	Ops    uint64 `json:"ops"`
	Errors uint64 `json:"errors"`
	// Rate is Ops per second over the last interval.
	Rate float64 `json:"rate"`
	// Hits are the cache hits since the start (the cache answered, Op did
	// not run), warm-up included; HitRate is hits per second over the last
	// interval. Zero without a cache.
	Hits    uint64  `json:"hits"`
	HitRate float64 `json:"hit_rate"`
}

// Model returns ModelOpen when Rate is set, else ModelClosed.
func (o Options) Model() string {
	if o.Rate > 0 {
		return ModelOpen
	}
	return ModelClosed
}

// WarmupRequests is how many operations the warm-up takes in the open
// model (⌈Rate × Warmup⌉); 0 in the closed model, where it is not known in
// advance.
func (o Options) WarmupRequests() uint64 {
	if o.Rate <= 0 || o.Warmup <= 0 {
		return 0
	}
	return uint64(math.Ceil(o.Rate * o.Warmup.Seconds()))
}

// Validate reports the first problem with the options, wrapped in
// ErrInvalidOptions; messages name the option and the fix.
func (o Options) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidOptions, fmt.Sprintf(format, args...))
	}
	switch {
	case o.Op == nil:
		return bad("no operation to run")
	case o.Concurrency < 0:
		return bad("concurrency %d is negative: use 1 or more", o.Concurrency)
	case math.IsNaN(o.Rate) || math.IsInf(o.Rate, 0) || o.Rate < 0:
		return bad("rate %v is not a rate: use 0 (closed model) or a positive number per second", o.Rate)
	case o.Duration < 0:
		return bad("duration %v is negative", o.Duration)
	case o.Warmup < 0:
		return bad("warm-up %v is negative", o.Warmup)
	case o.MaxBacklog < 0:
		return bad("max backlog %d is negative", o.MaxBacklog)
	case o.Drain < 0:
		return bad("drain %v is negative: use 0 for the default (%v) or a positive duration", o.Drain, DefaultDrain)
	case o.Keys < 0:
		return bad("keys %d is negative: use 1 or more", o.Keys)
	case o.FailFast < 0:
		return bad("fail-fast count %d is negative: use 0 (off) or 1 or more", o.FailFast)
	case o.WorkerOffset < 0:
		return bad("worker offset %d is negative", o.WorkerOffset)
	}
	if w := o.WarmupRequests(); o.Requests > 0 && w > 0 && o.Requests <= w {
		return bad("%d requests at %g/s are all used by the %v warm-up (%d operations): raise requests above %d or shorten the warm-up",
			o.Requests, o.Rate, o.Warmup, w, w)
	}
	if o.Cache != nil {
		if err := o.KeyDist.validate(); err != nil {
			return bad("%v", err)
		}
	}
	return nil
}

// withDefaults fills zero values with the documented defaults.
func (o Options) withDefaults() Options {
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Duration == 0 && o.Requests == 0 {
		o.Duration = DefaultDuration
	}
	if o.OpTimeout == 0 {
		o.OpTimeout = DefaultOpTimeout
	}
	if o.LateAfter == 0 {
		o.LateAfter = DefaultLateAfter
	}
	if o.MaxBacklog == 0 {
		o.MaxBacklog = max(o.Concurrency, int(min(math.Ceil(o.Rate), DefaultMaxBacklogCap)))
	}
	if o.Drain == 0 {
		o.Drain = DefaultDrain
	}
	if o.Keys == 0 {
		o.Keys = DefaultKeys
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	o.KeyDist = o.KeyDist.withDefaults()
	return o
}
