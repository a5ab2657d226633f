// Package sizing recommends a connection pool's min and max size from
// measurements: it sweeps the pool size under a load that saturates every
// size in the sweep, fits the Universal Scalability Law to throughput versus
// size, checks the acquire wait at the expected load, and applies Little's
// law for the minimum.
//
// # The procedure
//
//  1. Sweep: pool sizes 1, 2, 4, … (powers of two) up to the configured max
//     (which is always included), each for StepDuration after a warm-up, with
//     a fresh pool of exactly that size (min = max = size) and a closed-model
//     load of Concurrency workers — by default twice the largest size in the
//     sweep, so every step is saturated and throughput is the pool's, not
//     the load's. The sweep stops early once throughput stops rising: two
//     consecutive steps each gaining less than StopGain (3 %) over the step
//     before, or a step whose error rate exceeds MaxErrorRate (e.g. the
//     server refused more connections).
//  2. Refine: between the largest size below PeakFraction (95 %) of the peak
//     measured throughput and the smallest size reaching it, bisect (at most
//     RefineSteps more steps), so a knee between two powers of two is found
//     to within one connection. Once the two are adjacent, the size below is
//     measured again (at most Confirm times) and keeps its best run: work
//     elsewhere on the machine only lowers throughput, so one unlucky run
//     must not move the knee up.
//  3. Fit the USL to (size, throughput) and report σ, κ, λ, the fitted peak
//     and R² — evidence, not the decision, because a hard concurrency limit
//     (a semaphore, a CPU count) is a sharper knee than the USL can draw.
//  4. Max: the smallest size reaching PeakFraction of the peak measured
//     throughput whose acquire-wait p99 at the expected load is under
//     WaitP99. The wait is checked in the open model at ExpectedRate (by
//     default half the measured peak) — under the sweep's saturating load
//     every size queues by construction, so the wait there says nothing. If
//     the check fails, the next larger measured size is checked (at most
//     MaxChecks checks in all).
//  5. Min (Little's law): connections busy on average = arrival rate × mean
//     hold time. Min = ⌈ExpectedRate × mean hold time at that load ×
//     Headroom⌉, at least 1 and at most Max.
//  6. Server limits: with the server's limit known, no step opens more than
//     the budget ⌊(limit − in use by others − Margin) ÷ Instances⌋, re-read
//     (Recheck) before every step: a step above the budget is not run, and
//     the recommended max is capped at it (so N instances together stay
//     within the server's connection limit and others keep their slots);
//     the result says when the cap applied. A server refusing a connection
//     for lack of slots (IsRefusal: "too many clients", "max number of
//     clients reached", MySQL 1040) stops the sweep at the step before; the
//     refused step is a finding (Result.Refusal) and never the peak.
//  7. Confidence: a USL fit with R² below 0.9, or a sweep step more than
//     10 % slower than a smaller size before the peak (non-monotone), adds a
//     warning; no warning is high confidence, one is medium, more (or a
//     refusal) is low. With ExpectedRate given, Little's law leads: the max
//     starts from the smallest measured size serving ExpectedRate × Headroom,
//     and Recommendation.DecidedBy says which input decided it.
//
// # Known limits
//
// Against a target that serves at most K operations at once (the tests use
// an HTTP server guarded by a K-slot semaphore) throughput rises linearly up
// to K connections and is flat beyond, and the recommended max lands at K:
// the powers of two bracket it and the bisection finds it. PostgreSQL has
// no per-query concurrency limit of its own: SELECT pg_sleep(0.01) scales
// linearly with connections up to max_connections (or the machine's cores
// for CPU-bound queries), so there the sweep keeps rising and the max is the
// top of the sweep, below the server limit; the PostgreSQL tests check that.
package sizing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/workload"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultStepDuration is the measured time of one sweep step.
	DefaultStepDuration = 2 * time.Second
	// DefaultWaitP99 is the acquire-wait p99 the recommended max must meet
	// at the expected load.
	DefaultWaitP99 = 100 * time.Millisecond
	// DefaultHeadroom multiplies the Little's-law minimum.
	DefaultHeadroom = 1.2
	// DefaultPeakFraction of the peak measured throughput the max must reach.
	DefaultPeakFraction = 0.95
	// DefaultStopGain: two consecutive steps gaining less than this stop the
	// sweep.
	DefaultStopGain = 0.03
	// DefaultRefineSteps bounds the bisection steps after the sweep.
	DefaultRefineSteps = 4
	// DefaultConfirm bounds the repeated measurements of the size just
	// below the knee.
	DefaultConfirm = 2
	// DefaultMaxChecks bounds the acquire-wait checks at the expected load.
	DefaultMaxChecks = 3
	// DefaultExpectedFraction of the measured peak is the expected rate when
	// none is given: a service sized for its peak typically runs at about
	// half of it.
	DefaultExpectedFraction = 0.5
	// DefaultMaxErrorRate: a step with more errors than this ends the sweep.
	DefaultMaxErrorRate = 0.5
)

// Target is one pool of a given size under test; a pools.Runner satisfies
// it.
type Target interface {
	Do(ctx context.Context) error
	Snapshot() pools.Snapshot
	// ResetStats is called when a step's warm-up ends, so that the step's
	// pool figures (acquire wait, hold, utilization) leave it out.
	ResetStats()
	Close(ctx context.Context) error
}

// Opener opens the target with a pool of exactly size connections (min =
// max = size).
type Opener func(ctx context.Context, size int) (Target, error)

// Options configure one Recommend.
type Options struct {
	// Name labels the pool ("database"); Kind and URL (redacted) are copied
	// into the result.
	Name, Kind, Target string
	// Open opens a pool of a given size. Required.
	Open Opener
	// MaxSize is the configured max: the sweep's upper bound. Required.
	MaxSize int
	// Concurrency is the closed-model load of every sweep step; zero means
	// twice the largest size in the sweep.
	Concurrency int
	// StepDuration is each step's measured time; zero means
	// DefaultStepDuration. Warmup precedes it (zero means a tenth of
	// StepDuration; negative means none).
	StepDuration, Warmup time.Duration
	// WaitP99 is the acquire-wait p99 bound at the expected load; zero
	// means DefaultWaitP99.
	WaitP99 time.Duration
	// ExpectedRate is the expected load in operations per second; zero means
	// DefaultExpectedFraction of the measured peak.
	ExpectedRate float64
	// Headroom multiplies the Little's-law minimum; zero means
	// DefaultHeadroom.
	Headroom float64
	// PeakFraction, StopGain, RefineSteps, Confirm, MaxChecks and
	// MaxErrorRate tune the procedure; zero means their defaults.
	PeakFraction, StopGain          float64
	RefineSteps, Confirm, MaxChecks int
	MaxErrorRate                    float64
	// OpTimeout bounds one operation (see workload.Options).
	OpTimeout time.Duration
	// FailFast, when positive, stops the sweep at its first step when the
	// first FailFast operations all fail with the same error (bad SQL, an
	// unknown command): Recommend then returns the *workload.FailFastError
	// with the result. A refusal for lack of connection slots is not such
	// an error: it stays a Refusal. Zero means off.
	FailFast int
	// Limit is the server's own connection limit, when known.
	Limit *Limit
	// Recheck, when set, re-reads the limit and the connections in use by
	// others before every step (others may connect meanwhile); an error
	// keeps the last reading.
	Recheck func(ctx context.Context) (*Limit, error)
	// Instances is how many instances of the service share the server;
	// zero means 1.
	Instances int
	// Progress, when set, is called as each step starts and ends.
	Progress func(Event)
}

// Event is a progress report.
type Event struct {
	Name  string `json:"name"`
	Phase string `json:"phase"` // sweep | refine | check
	Size  int    `json:"size"`
	Done  bool   `json:"done"` // false when the step starts
	Step  *Step  `json:"step,omitempty"`
}

// ErrInvalidOptions wraps every error about the Options themselves.
var ErrInvalidOptions = errors.New("invalid sizing options")

// Validate reports the first problem with the options.
func (o Options) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidOptions, fmt.Sprintf(format, args...))
	}
	switch {
	case o.Open == nil:
		return bad("no opener")
	case o.MaxSize < 1:
		return bad("max size %d: must be at least 1", o.MaxSize)
	case o.Concurrency < 0:
		return bad("concurrency %d is negative", o.Concurrency)
	case o.StepDuration < 0:
		return bad("step duration %v is negative", o.StepDuration)
	case o.WaitP99 < 0:
		return bad("wait p99 %v is negative", o.WaitP99)
	case o.ExpectedRate < 0 || o.ExpectedRate != o.ExpectedRate:
		return bad("expected rate %v: use a positive number of operations per second", o.ExpectedRate)
	case o.Headroom < 0:
		return bad("headroom %v is negative", o.Headroom)
	case o.Instances < 0:
		return bad("instances %d is negative: use 1 or more", o.Instances)
	case o.PeakFraction < 0 || o.PeakFraction > 1:
		return bad("peak fraction %v must be within 0–1", o.PeakFraction)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.StepDuration == 0 {
		o.StepDuration = DefaultStepDuration
	}
	switch {
	case o.Warmup == 0:
		o.Warmup = o.StepDuration / 10
	case o.Warmup < 0:
		o.Warmup = 0
	}
	if o.WaitP99 == 0 {
		o.WaitP99 = DefaultWaitP99
	}
	if o.Headroom == 0 {
		o.Headroom = DefaultHeadroom
	}
	if o.PeakFraction == 0 {
		o.PeakFraction = DefaultPeakFraction
	}
	if o.StopGain == 0 {
		o.StopGain = DefaultStopGain
	}
	if o.RefineSteps == 0 {
		o.RefineSteps = DefaultRefineSteps
	}
	if o.Confirm == 0 {
		o.Confirm = DefaultConfirm
	}
	if o.MaxChecks == 0 {
		o.MaxChecks = DefaultMaxChecks
	}
	if o.MaxErrorRate == 0 {
		o.MaxErrorRate = DefaultMaxErrorRate
	}
	if o.Instances == 0 {
		o.Instances = 1
	}
	if o.OpTimeout == 0 {
		o.OpTimeout = workload.DefaultOpTimeout
	}
	return o
}
