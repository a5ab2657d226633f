package sizing

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/workload"
	"github.com/resync-dev/resync/pkg/workload/usl"
)

// closeTimeout bounds closing one step's pool.
const closeTimeout = 10 * time.Second

// Recommend runs the procedure described in the package documentation and
// returns its evidence and recommendation. Invalid options are an error
// wrapping ErrInvalidOptions. A first step whose operations all failed
// alike (Options.FailFast) ends the sweep: the result says so in its
// StopReason and the error is the *workload.FailFastError. Cancellation is
// not an error: the result
// holds what was measured, Partial is true, and the recommendation (if any
// step finished) comes from the sweep alone.
func Recommend(ctx context.Context, o Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	res := &Result{
		Name: o.Name, Kind: o.Kind, Target: o.Target,
		ConfiguredMax: o.MaxSize, SweepMax: o.MaxSize,
		StepSeconds: o.StepDuration.Seconds(), WaitP99Ms: ms(o.WaitP99),
		Limit: o.Limit, Instances: o.Instances, Checks: []Check{}, Warnings: []string{},
	}
	s := &sweeper{o: o, res: res}
	if o.Limit != nil && o.Limit.Max > 0 {
		res.Budget = o.Limit.Budget(o.Instances)
		res.SweepMax = min(res.SweepMax, res.Budget)
	}
	res.Concurrency = o.Concurrency
	if res.Concurrency == 0 {
		res.Concurrency = 2 * max(1, res.SweepMax)
	}
	if res.SweepMax < 1 {
		res.StopReason = s.noRoom(1)
		s.confidence()
		return res, nil
	}

	s.sweep(ctx)
	if s.failed != nil {
		s.confidence()
		return res, s.failed
	}
	if ctx.Err() == nil && res.Refusal == nil {
		s.refine(ctx)
	}
	s.fit()
	s.decide(ctx)
	s.confidence()
	res.Partial = ctx.Err() != nil
	return res, nil
}

// room re-reads the server's limit (when Recheck is set) and reports
// whether a pool of n connections fits the budget.
func (s *sweeper) room(ctx context.Context, n int) bool {
	o, res := s.o, s.res
	if o.Limit == nil || o.Limit.Max <= 0 {
		return true
	}
	if o.Recheck != nil {
		if l, err := o.Recheck(ctx); err == nil && l != nil && l.Max > 0 {
			res.Limit = l
		}
	}
	res.Budget = res.Limit.Budget(o.Instances)
	return n <= res.Budget
}

// noRoom says why size n was not run.
func (s *sweeper) noRoom(n int) string {
	l := s.res.Limit
	return fmt.Sprintf("size %d not run: the server allows %d connections (%s), %d are in use by others and %d are kept free, leaving %d for each of %d instance(s)",
		n, l.Max, l.Source, l.InUse, l.Margin, s.res.Budget, s.o.Instances)
}

// refused records the server's refusal at st and reports whether there was
// one.
func (s *sweeper) refused(st Step) bool {
	if st.Refused == "" {
		return false
	}
	if s.res.Refusal == nil {
		s.res.Refusal = &Refusal{Size: st.Size, Message: st.Refused}
	}
	return true
}

// confidence sets the warnings and the confidence label.
func (s *sweeper) confidence() {
	res := s.res
	if res.Fit != nil && res.Fit.R2 < 0.9 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the scalability curve fits poorly (R² %.2f < 0.90): the measurements are noisy or the target's behaviour changed during the sweep", res.Fit.R2))
	}
	_, peakSize := s.peak()
	best, bestSize := 0.0, 0
	for _, st := range res.Steps {
		if !s.usable(st) || st.Size > peakSize {
			continue
		}
		if best > 0 && st.Throughput < 0.9*best {
			res.Warnings = append(res.Warnings, fmt.Sprintf("throughput is not monotone: size %d (%.0f ops/s) is more than 10 %% slower than size %d (%.0f ops/s)",
				st.Size, st.Throughput, bestSize, best))
			break
		}
		if st.Throughput > best {
			best, bestSize = st.Throughput, st.Size
		}
	}
	if res.Refusal != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the server refused connections at size %d (%s): other clients may have been refused too", res.Refusal.Size, res.Refusal.Message))
	}
	switch {
	case len(res.Warnings) == 0:
		res.Confidence = "high"
	case len(res.Warnings) == 1 && res.Refusal == nil:
		res.Confidence = "medium"
	default:
		res.Confidence = "low"
	}
}

type sweeper struct {
	o      Options
	res    *Result
	failed *workload.FailFastError // the first step failed fast
}

// Sizes returns the sweep's sizes: powers of two below max, then max.
func Sizes(maxSize int) []int {
	var out []int
	for n := 1; n < maxSize; n *= 2 {
		out = append(out, n)
	}
	return append(out, maxSize)
}

func (s *sweeper) sweep(ctx context.Context) {
	o, res := s.o, s.res
	var prev float64
	slow := 0
	sizes := Sizes(res.SweepMax)
	for i, n := range sizes {
		if !s.room(ctx, n) {
			res.StopReason = s.noRoom(n)
			return
		}
		st, ok := s.measure(ctx, n, PhaseSweep, i == 0)
		if !ok {
			res.StopReason = "interrupted"
			return
		}
		if s.failed != nil {
			s.add(st)
			res.StopReason = fmt.Sprintf("size %d: the first %d operations all failed with the same error, so the sweep stopped: %s",
				n, s.failed.Ops, s.failed.Err)
			return
		}
		if i > 0 && prev > 0 {
			st.Gain = st.Throughput/prev - 1
		}
		s.add(st)
		if s.refused(st) {
			at := "no size"
			if i > 0 {
				at = fmt.Sprintf("size %d", sizes[i-1])
			}
			res.StopReason = fmt.Sprintf("the server refused connections at size %d (%s): the sweep stops at %s", n, st.Refused, at)
			return
		}
		if !s.usable(st) {
			res.StopReason = fmt.Sprintf("size %d failed (%s): the sweep stops there", n, failure(st))
			return
		}
		if i > 0 && st.Gain < o.StopGain {
			slow++
		} else {
			slow = 0
		}
		if slow >= 2 && i < len(sizes)-1 {
			res.StopReason = fmt.Sprintf("throughput stopped rising: sizes %d and %d each gained less than %.0f %%",
				sizes[i-1], n, o.StopGain*100)
			return
		}
		prev = st.Throughput
	}
	res.StopReason = fmt.Sprintf("reached the sweep's max size %d", res.SweepMax)
}

// refine bisects between the largest size below the peak fraction and the
// smallest size reaching it. When the two are adjacent, the one below is
// measured once more (at most Confirm times in all) and keeps its better
// throughput: interference from other work on the machine only ever lowers
// a step's throughput, so the best of two runs is the better estimate, and
// one unlucky step must not push the knee up.
func (s *sweeper) refine(ctx context.Context) {
	confirms := 0
	for range s.o.RefineSteps + s.o.Confirm {
		peak, _ := s.peak()
		if peak <= 0 {
			return
		}
		cands := s.reaching(peak)
		if len(cands) == 0 {
			return
		}
		hi := cands[0]
		lo := 0
		for _, st := range s.res.Steps {
			if s.usable(st) && st.Size < hi {
				lo = max(lo, st.Size)
			}
		}
		if lo == 0 {
			return
		}
		if hi-lo > 1 {
			if !s.room(ctx, (lo+hi)/2) {
				return
			}
			st, ok := s.measure(ctx, (lo+hi)/2, PhaseRefine, false)
			if !ok {
				return
			}
			s.add(st)
			if s.refused(st) {
				return
			}
			continue
		}
		prev, _ := s.res.Step(lo)
		if confirms >= s.o.Confirm || prev.Runs > 1 {
			return
		}
		confirms++
		if !s.room(ctx, lo) {
			return
		}
		st, ok := s.measure(ctx, lo, prev.Phase, false)
		if !ok {
			return
		}
		if s.refused(st) {
			return
		}
		s.replace(best(prev, st))
	}
}

// best keeps the run with the higher throughput and counts both.
func best(a, b Step) Step {
	runs := a.Runs + b.Runs
	if b.Throughput > a.Throughput && b.Error == "" {
		a = b
	}
	a.Runs = runs
	return a
}

// fit fits the USL to the usable steps.
func (s *sweeper) fit() {
	var pts []usl.Point
	for _, st := range s.res.Steps {
		if s.usable(st) {
			pts = append(pts, usl.Point{N: float64(st.Size), X: st.Throughput})
		}
	}
	m, err := usl.Fit(pts)
	if err != nil {
		s.res.FitError = err.Error()
		return
	}
	f := &Fit{Model: m}
	if n := m.PeakN(); !math.IsInf(n, 1) {
		f.PeakN, f.PeakThroughput = n, m.PeakThroughput()
	}
	s.res.Fit = f
}

// decide picks max (peak fraction + acquire-wait check) and min (Little's
// law), then applies the server limit.
func (s *sweeper) decide(ctx context.Context) {
	o, res := s.o, s.res
	peak, peakSize := s.peak()
	res.PeakThroughput, res.PeakSize = peak, peakSize
	if peak <= 0 {
		return
	}
	cands := s.reaching(peak)
	rec := &Recommendation{DecidedBy: "sweep"}
	res.Recommendation = rec

	res.ExpectedRate = o.ExpectedRate
	if res.ExpectedRate == 0 {
		res.ExpectedRate = DefaultExpectedFraction * peak
		res.ExpectedRateDefaulted = true
	}
	at, _ := res.Step(cands[0])
	reach := fmt.Sprintf("%d is the smallest size reaching %.0f %% of the peak measured throughput %.0f ops/s (size %d: %.0f ops/s)",
		cands[0], o.PeakFraction*100, peak, cands[0], at.Throughput)
	if !res.ExpectedRateDefaulted {
		// Little's law leads: the smallest measured size serving the
		// expected rate with headroom, when one below the peak does.
		need := res.ExpectedRate * o.Headroom
		for _, st := range res.Steps {
			if s.usable(st) && st.Size < cands[0] && st.Throughput >= need {
				rec.DecidedBy = "expected-rate"
				reach = fmt.Sprintf("%d is the smallest size serving the expected %.0f ops/s × %.2g headroom = %.0f ops/s (size %d: %.0f ops/s; the peak %.0f ops/s needs %d)",
					st.Size, res.ExpectedRate, o.Headroom, need, st.Size, st.Throughput, peak, cands[0])
				var from []int
				for _, n := range cands {
					if n > st.Size {
						from = append(from, n)
					}
				}
				cands, at = append([]int{st.Size}, from...), st
				break
			}
		}
	}

	var chosen *Check
	for i, n := range cands {
		if i >= o.MaxChecks || ctx.Err() != nil || !s.room(ctx, n) {
			break
		}
		c, ok := s.check(ctx, n, res.ExpectedRate)
		if !ok {
			break
		}
		res.Checks = append(res.Checks, c)
		chosen = &res.Checks[len(res.Checks)-1]
		if c.Passed {
			break
		}
	}
	switch {
	case chosen == nil:
		rec.Max = cands[0]
		rec.MaxReason = reach + "; the acquire-wait check did not run (interrupted)"
	case chosen.Passed:
		rec.Max, rec.WaitMet = chosen.Size, true
		if chosen.Size == cands[0] {
			rec.MaxReason = fmt.Sprintf("%s, and its acquire-wait p99 at %.0f ops/s is %s ≤ %s",
				reach, res.ExpectedRate, fmtMs(chosen.AcquireWaitP99Ms), fmtMs(res.WaitP99Ms))
		} else {
			rec.MaxReason = fmt.Sprintf("%s, but its acquire-wait p99 at %.0f ops/s exceeded %s; %d is the smallest that meets it (%s)",
				reach, res.ExpectedRate, fmtMs(res.WaitP99Ms), chosen.Size, fmtMs(chosen.AcquireWaitP99Ms))
		}
	default:
		rec.Max = chosen.Size
		rec.MaxReason = fmt.Sprintf("%s; no size checked kept the acquire-wait p99 at %.0f ops/s under %s (size %d: %s): the expected load is close to or above what the target serves — lower it or optimize the operation",
			reach, res.ExpectedRate, fmtMs(res.WaitP99Ms), chosen.Size, fmtMs(chosen.AcquireWaitP99Ms))
	}

	// Little's law: L = λ × W, with W the mean hold time at the expected
	// load (or under the sweep when no check ran).
	holdMs := at.HoldMeanMs
	holdFrom := fmt.Sprintf("under the sweep at size %d", at.Size)
	if chosen != nil {
		holdMs = chosen.HoldMeanMs
		holdFrom = fmt.Sprintf("at %.0f ops/s with size %d", res.ExpectedRate, chosen.Size)
	}
	busy := res.ExpectedRate * holdMs / 1000
	rec.Min = max(1, int(math.Ceil(busy*o.Headroom)))
	rec.MinReason = fmt.Sprintf("Little's law: %.0f ops/s × %s mean hold (%s) = %.2f connections busy on average, × %.2g headroom → %d",
		res.ExpectedRate, fmtMs(holdMs), holdFrom, busy, o.Headroom, rec.Min)
	if rec.Min > rec.Max {
		rec.Min = rec.Max
		rec.MinReason += fmt.Sprintf(", limited to the max %d", rec.Max)
	}

	if l := res.Limit; l != nil && l.Max > 0 {
		share := max(1, res.Budget)
		if rec.Max > share {
			rec.Capped, rec.Uncapped, rec.Max, rec.DecidedBy = true, rec.Max, share, "server-limit"
			rec.MaxReason += fmt.Sprintf("; capped at %d: the server allows %d connections (%s), %d in use by others, %d kept free, shared by %d instance(s)",
				share, l.Max, l.Source, l.InUse, l.Margin, o.Instances)
			if rec.Min > rec.Max {
				rec.Min = rec.Max
				rec.MinReason += fmt.Sprintf(", limited to the capped max %d", rec.Max)
			}
		}
	}
}

// measure runs one saturating closed-model step with a fresh pool of size n.
// ok is false when ctx was cancelled (the step is then discarded). The
// first step (first) watches for a fail-fast error (Options.FailFast) and
// records it in s.failed.
func (s *sweeper) measure(ctx context.Context, n int, phase string, first bool) (Step, bool) {
	o := s.o
	s.emit(Event{Name: o.Name, Phase: phase, Size: n})
	st := Step{Size: n, Phase: phase, Runs: 1}
	t, err := o.Open(ctx, n)
	if err != nil {
		if ctx.Err() != nil {
			return st, false
		}
		st.Error = err.Error()
		if IsRefusal(st.Error) {
			st.Refused = st.Error
		}
		s.emit(Event{Name: o.Name, Phase: phase, Size: n, Done: true, Step: &st})
		return st, true
	}
	ff := 0
	if first {
		ff = o.FailFast
	}
	wr, err := workload.Run(ctx, workload.Options{Name: o.Name, Op: t.Do, Concurrency: s.res.Concurrency,
		Duration: o.StepDuration, Warmup: o.Warmup, OpTimeout: o.OpTimeout, FailFast: ff, OnMeasure: t.ResetStats})
	snap := t.Snapshot()
	closePool(t)
	var failed *workload.FailFastError
	switch {
	case errors.As(err, &failed):
		st.Error = failed.Err.Error()
		st.Operations, st.Errors, st.ErrorRate = wr.Operations, wr.Errors.Total(), wr.ErrorRate
		if IsRefusal(st.Error) {
			st.Refused = st.Error // the server is full: a refusal, not a bad operation
		} else {
			s.failed = failed
		}
		s.emit(Event{Name: o.Name, Phase: phase, Size: n, Done: true, Step: &st})
		return st, true
	case err != nil:
		st.Error = err.Error()
		return st, true
	}
	for _, m := range wr.ErrorSamples {
		if IsRefusal(m) {
			st.Refused = m
		}
	}
	if wr.Partial {
		return st, false
	}
	if wr.Elapsed > 0 {
		st.Throughput = float64(wr.Succeeded) / wr.Elapsed.Seconds()
	}
	st.LatencyP50Ms, st.LatencyP99Ms = wr.Latency.P50, wr.Latency.P99
	st.AcquireWaitP99Ms, st.AcquireWaitMeanMs = snap.AcquireWaitMs.P99, snap.AcquireWaitMs.Mean
	st.HoldMeanMs, st.Utilization = snap.HoldMs.Mean, snap.Utilization
	st.Operations, st.Errors, st.ErrorRate = wr.Operations, wr.Errors.Total(), wr.ErrorRate
	if wr.Operations == 0 {
		st.Error = "no operation completed"
	}
	s.emit(Event{Name: o.Name, Phase: phase, Size: n, Done: true, Step: &st})
	return st, true
}

// check runs size n in the open model at rate and judges its acquire wait.
func (s *sweeper) check(ctx context.Context, n int, rate float64) (Check, bool) {
	o := s.o
	s.emit(Event{Name: o.Name, Phase: PhaseCheck, Size: n})
	c := Check{Size: n, Rate: rate}
	t, err := o.Open(ctx, n)
	if err != nil {
		return c, false
	}
	wr, err := workload.Run(ctx, workload.Options{Name: o.Name, Op: t.Do, Rate: rate,
		Concurrency: max(s.res.Concurrency, n), Duration: o.StepDuration, Warmup: o.Warmup, OpTimeout: o.OpTimeout,
		OnMeasure: t.ResetStats})
	snap := t.Snapshot()
	closePool(t)
	if err != nil || wr.Partial {
		return c, false
	}
	if wr.Elapsed > 0 {
		c.Throughput = float64(wr.Succeeded) / wr.Elapsed.Seconds()
	}
	c.LatencyP99Ms = wr.Latency.P99
	c.AcquireWaitP99Ms, c.AcquireWaitMeanMs = snap.AcquireWaitMs.P99, snap.AcquireWaitMs.Mean
	c.HoldMeanMs, c.Utilization = snap.HoldMs.Mean, snap.Utilization
	c.Late, c.Dropped, c.ErrorRate = wr.Late, wr.Dropped, wr.ErrorRate
	c.Passed = c.AcquireWaitP99Ms <= s.res.WaitP99Ms && c.ErrorRate <= o.MaxErrorRate && wr.Dropped == 0
	s.emit(Event{Name: o.Name, Phase: PhaseCheck, Size: n, Done: true})
	return c, true
}

func closePool(t Target) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = t.Close(ctx)
}

// replace swaps the step of the same size for st.
func (s *sweeper) replace(st Step) {
	for i := range s.res.Steps {
		if s.res.Steps[i].Size == st.Size {
			gain := s.res.Steps[i].Gain
			s.res.Steps[i] = st
			s.res.Steps[i].Gain = gain
			return
		}
	}
	s.add(st)
}

// add inserts a step keeping Steps ordered by size.
func (s *sweeper) add(st Step) {
	i, _ := slices.BinarySearchFunc(s.res.Steps, st.Size, func(a Step, n int) int { return a.Size - n })
	s.res.Steps = slices.Insert(s.res.Steps, i, st)
}

func (s *sweeper) usable(st Step) bool {
	return st.Error == "" && st.Refused == "" && st.Operations > 0 && st.ErrorRate <= s.o.MaxErrorRate
}

// peak is the highest usable throughput and its size.
func (s *sweeper) peak() (float64, int) {
	var x float64
	var n int
	for _, st := range s.res.Steps {
		if s.usable(st) && st.Throughput > x {
			x, n = st.Throughput, st.Size
		}
	}
	return x, n
}

// reaching lists, ascending, the usable sizes whose throughput reaches the
// peak fraction of peak.
func (s *sweeper) reaching(peak float64) []int {
	var out []int
	for _, st := range s.res.Steps {
		if s.usable(st) && st.Throughput >= s.o.PeakFraction*peak {
			out = append(out, st.Size)
		}
	}
	return out
}

func (s *sweeper) emit(e Event) {
	if s.o.Progress != nil {
		s.o.Progress(e)
	}
}

func failure(st Step) string {
	if st.Error != "" {
		return st.Error
	}
	return fmt.Sprintf("error rate %.0f %%", st.ErrorRate*100)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fmtMs(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.3f ms", v)
	}
}
