package sizing

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/workload"
)

func TestSizes(t *testing.T) {
	tests := []struct {
		max  int
		want []int
	}{
		{1, []int{1}},
		{2, []int{1, 2}},
		{8, []int{1, 2, 4, 8}},
		{20, []int{1, 2, 4, 8, 16, 20}},
		{100, []int{1, 2, 4, 8, 16, 32, 64, 100}},
	}
	for _, tt := range tests {
		if got := Sizes(tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Sizes(%d) = %v, want %v", tt.max, got, tt.want)
		}
	}
}

// quick keeps sweep steps short; the figures still come from real requests.
func quick(o Options) Options {
	o.StepDuration = 300 * time.Millisecond
	o.Warmup = 50 * time.Millisecond
	return o
}

// steady uses steps long enough that scheduling noise on a loaded machine
// (and the race detector) does not move a step across the 95 % line.
func steady(o Options) Options {
	o.StepDuration = 600 * time.Millisecond
	o.Warmup = 100 * time.Millisecond
	return o
}

func recommend(t *testing.T, o Options) *Result {
	t.Helper()
	res, err := Recommend(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Steps {
		t.Logf("%-6s size %3d: %7.1f ops/s  p99 %6.1f ms  wait p99 %6.1f ms  hold %5.2f ms  errors %d",
			s.Phase, s.Size, s.Throughput, s.LatencyP99Ms, s.AcquireWaitP99Ms, s.HoldMeanMs, s.Errors)
	}
	for _, c := range res.Checks {
		t.Logf("check  size %3d at %.0f/s: wait p99 %.2f ms, hold %.2f ms, passed %v", c.Size, c.Rate, c.AcquireWaitP99Ms, c.HoldMeanMs, c.Passed)
	}
	if r := res.Recommendation; r != nil {
		t.Logf("max %d: %s", r.Max, r.MaxReason)
		t.Logf("min %d: %s", r.Min, r.MinReason)
	}
	return res
}

// A server that serves at most K requests at once: throughput rises
// linearly up to K connections and is flat beyond, so the recommended max
// must be K — found by refining between the powers of two around it.
func TestRecommendFindsKnownLimit(t *testing.T) {
	const k = 6
	srv := limitServer(t, k, 20*time.Millisecond)
	res := recommend(t, steady(Options{Name: "http", Open: opener(srv), MaxSize: 16}))

	rec := res.Recommendation
	if rec == nil {
		t.Fatalf("no recommendation: %+v", res)
	}
	// Exactly k on a quiet machine; scheduling noise on a loaded one can
	// move a step across the 95 % line, so the bound is the issue's: within
	// one sweep step (between the powers of two around k).
	if rec.Max < 4 || rec.Max > 8 {
		t.Errorf("recommended max %d, want the server's limit %d (within the sweep steps 4–8)", rec.Max, k)
	}
	if rec.Max != k {
		t.Logf("note: recommended %d, not exactly %d (noise)", rec.Max, k)
	}
	if !rec.WaitMet || len(res.Checks) == 0 || !res.Checks[len(res.Checks)-1].Passed {
		t.Errorf("acquire-wait check not met at half the peak: %+v", res.Checks)
	}
	// The sweep refined between 4 and 8.
	if _, ok := res.Step(k); !ok {
		t.Errorf("size %d was never measured: steps %+v", k, res.Steps)
	}
	if res.Concurrency != 32 {
		t.Errorf("offered load %d workers, want 2 × 16", res.Concurrency)
	}
	if res.PeakSize < k {
		t.Errorf("peak at size %d, below the limit %d", res.PeakSize, k)
	}
	if res.Fit == nil || res.Fit.R2 < 0.8 {
		t.Errorf("USL fit %+v (%s), want R² ≥ 0.8", res.Fit, res.FitError)
	}
	if !res.ExpectedRateDefaulted || math.Abs(res.ExpectedRate-res.PeakThroughput/2) > 1e-9 {
		t.Errorf("expected rate %g, want half the peak %g", res.ExpectedRate, res.PeakThroughput)
	}
}

// Little's law on our own instruments: the pool's mean connections in use
// (time-weighted utilization × size) equals its arrival rate (acquires over
// its uptime) times the mean hold time.
func TestLittlesLawHoldsForThePool(t *testing.T) {
	srv := limitServer(t, 8, 10*time.Millisecond)
	for _, rate := range []float64{100, 300} {
		target, err := opener(srv)(context.Background(), 8)
		if err != nil {
			t.Fatal(err)
		}
		_, err = workload.Run(context.Background(), workload.Options{Op: target.Do, Rate: rate, Concurrency: 8,
			Duration: 500 * time.Millisecond, OpTimeout: -1})
		snap := target.Snapshot()
		closePool(target)
		if err != nil {
			t.Fatal(err)
		}
		inUse := snap.Utilization * float64(snap.MaxSize)
		lambda := float64(snap.AcquireCount) / snap.Uptime.Seconds()
		little := lambda * snap.HoldMs.Mean / 1000
		t.Logf("rate %g: in use %.3f, λ %.1f/s × W %.2f ms = %.3f", rate, inUse, lambda, snap.HoldMs.Mean, little)
		if math.Abs(inUse-little) > 0.1*little {
			t.Errorf("rate %g: mean in use %.3f ≠ λW = %.1f/s × %.2f ms = %.3f", rate, inUse, lambda, snap.HoldMs.Mean, little)
		}
	}
}

// The recommended min is Little's law at the expected rate with headroom:
// ⌈rate × mean hold × headroom⌉.
func TestMinFromLittlesLaw(t *testing.T) {
	srv := limitServer(t, 8, 10*time.Millisecond)
	res := recommend(t, quick(Options{Name: "http", Open: opener(srv), MaxSize: 8, ExpectedRate: 200, Headroom: 1.2}))
	if len(res.Checks) == 0 {
		t.Fatal("no check ran")
	}
	c := res.Checks[len(res.Checks)-1]
	want := int(math.Ceil(200 * c.HoldMeanMs / 1000 * 1.2))
	if got := res.Recommendation.Min; got != want {
		t.Errorf("min %d, want ⌈200/s × %.2f ms × 1.2⌉ = %d", got, c.HoldMeanMs, want)
	}
	// Each request holds its connection at least the server's 10 ms, so
	// at 200/s at least 2 are busy: min ≥ ⌈2 × 1.2⌉ = 3.
	if res.Recommendation.Min < 3 {
		t.Errorf("min %d, want at least 3", res.Recommendation.Min)
	}
	if !strings.Contains(res.Recommendation.MinReason, "Little's law") {
		t.Errorf("min reason %q", res.Recommendation.MinReason)
	}
}

func TestSweepStopsWhenThroughputStopsRising(t *testing.T) {
	srv := limitServer(t, 2, 10*time.Millisecond)
	// A 50 % threshold keeps scheduling noise from looking like a gain:
	// below the limit each doubling gains 100 %, above it nothing.
	res := recommend(t, quick(Options{Name: "http", Open: opener(srv), MaxSize: 64, Concurrency: 16, StopGain: 0.5}))
	var swept []int
	for _, s := range res.Steps {
		if s.Phase == PhaseSweep {
			swept = append(swept, s.Size)
		}
	}
	// 4 and 8 each gain nothing over 2: the sweep ends at 8, not 64.
	if !slices.Equal(swept, []int{1, 2, 4, 8}) {
		t.Errorf("swept %v, want [1 2 4 8]", swept)
	}
	if !strings.Contains(res.StopReason, "stopped rising") {
		t.Errorf("stop reason %q", res.StopReason)
	}
	if m := res.Recommendation.Max; m < 2 || m > 3 {
		t.Errorf("max %d, want the limit 2 (or 3, one refinement step above, when noise hides the knee)", m)
	}
}

func TestServerLimitCapsEachInstance(t *testing.T) {
	// The server itself scales past 8; the limit 10 with 2 kept free, shared
	// by two instances, leaves each (10 − 0 − 2) ÷ 2 = 4.
	srv := limitServer(t, 16, 10*time.Millisecond)
	res := recommend(t, quick(Options{Name: "http", Open: opener(srv), MaxSize: 32,
		Limit: &Limit{Max: 10, Margin: 2, Source: "test limit"}, Instances: 2}))
	if res.SweepMax != 4 || res.Budget != 4 {
		t.Errorf("sweep max %d budget %d, want (10 − 2) ÷ 2 = 4", res.SweepMax, res.Budget)
	}
	for _, st := range res.Steps {
		if st.Size > 4 {
			t.Errorf("swept size %d beyond the budget 4", st.Size)
		}
	}
	for _, c := range res.Checks {
		if c.Size > 4 {
			t.Errorf("checked size %d beyond the budget 4", c.Size)
		}
	}
	if rec := res.Recommendation; rec == nil || rec.Max > 4 || rec.Min > rec.Max {
		t.Errorf("recommendation %+v, want max ≤ 4", rec)
	}
}

func TestRecheckStopsWhenOthersConnect(t *testing.T) {
	// Others take 12 of 20 connections after the first two steps: the budget
	// falls from 18 to 6, so size 8 is never opened and the max is capped.
	srv := limitServer(t, 32, 5*time.Millisecond)
	steps := 0
	recheck := func(context.Context) (*Limit, error) {
		steps++
		l := &Limit{Max: 20, Margin: 2, Source: "test limit"}
		if steps > 2 {
			l.InUse = 12
		}
		return l, nil
	}
	res := recommend(t, quick(Options{Name: "http", Open: opener(srv), MaxSize: 16,
		Limit: &Limit{Max: 20, Margin: 2, Source: "test limit"}, Recheck: recheck}))
	for _, st := range res.Steps {
		if st.Size > 6 {
			t.Errorf("opened %d connections after others took 12 of 20 (budget 6)", st.Size)
		}
	}
	if !strings.Contains(res.StopReason, "12 are in use by others") {
		t.Errorf("stop reason %q, want the connections in use by others named", res.StopReason)
	}
	if rec := res.Recommendation; rec == nil || rec.Max > 6 {
		t.Errorf("recommendation %+v, want max ≤ 6", rec)
	}
}

// refusingTarget fails every operation with a server's refusal once its
// pool has more than slots connections.
type refusingTarget struct {
	Target
	refuse bool
}

func (r refusingTarget) Do(ctx context.Context) error {
	if r.refuse {
		return errors.New("FATAL: sorry, too many clients already (SQLSTATE 53300)")
	}
	return r.Target.Do(ctx)
}

func TestRefusalStopsTheSweepAndIsNotThePeak(t *testing.T) {
	srv := limitServer(t, 32, 5*time.Millisecond)
	open := func(ctx context.Context, size int) (Target, error) {
		t, err := opener(srv)(ctx, size)
		return refusingTarget{Target: t, refuse: size > 2}, err
	}
	res := recommend(t, quick(Options{Name: "http", Open: open, MaxSize: 16, MaxErrorRate: 0.99}))
	if res.Refusal == nil || res.Refusal.Size != 4 || !strings.Contains(res.Refusal.Message, "too many clients") {
		t.Fatalf("refusal %+v, want size 4 refused", res.Refusal)
	}
	if !strings.Contains(res.StopReason, "stops at size 2") {
		t.Errorf("stop reason %q", res.StopReason)
	}
	if res.PeakSize > 2 || res.Recommendation == nil || res.Recommendation.Max > 2 {
		t.Errorf("peak size %d recommendation %+v: the refused step counted", res.PeakSize, res.Recommendation)
	}
	if res.Confidence != "low" {
		t.Errorf("confidence %q after a refusal, want low", res.Confidence)
	}
	if last := res.Steps[len(res.Steps)-1]; last.Size != 4 {
		t.Errorf("swept on to size %d after the refusal", last.Size)
	}
}

func TestIsRefusal(t *testing.T) {
	for _, tt := range []struct {
		msg  string
		want bool
	}{
		{"FATAL: sorry, too many clients already (SQLSTATE 53300)", true},
		{"FATAL: remaining connection slots are reserved for non-replication superuser connections", true},
		{"ERR max number of clients reached", true},
		{"Error 1040: Too many connections", true},
		{"dial tcp 127.0.0.1:1: connect: connection refused", false},
		{"ERR unknown command", false},
	} {
		if got := IsRefusal(tt.msg); got != tt.want {
			t.Errorf("IsRefusal(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

func TestUnreachableTargetEndsTheSweep(t *testing.T) {
	srv := limitServer(t, 1, time.Millisecond)
	addr := srv.Listener.Addr().String()
	srv.Close()
	o := quick(Options{Name: "http", Open: func(ctx context.Context, size int) (Target, error) {
		return opener(srv)(ctx, size)
	}, MaxSize: 4, OpTimeout: 200 * time.Millisecond})
	res := recommend(t, o)
	if len(res.Steps) != 1 || !strings.Contains(res.StopReason, "failed") {
		t.Errorf("steps %+v stop %q, want one failed step against %s", res.Steps, res.StopReason, addr)
	}
	if res.Recommendation != nil {
		t.Errorf("recommendation %+v from a dead target", res.Recommendation)
	}
}

func TestCancelReturnsPartial(t *testing.T) {
	srv := limitServer(t, 4, 5*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := quick(Options{Name: "http", Open: opener(srv), MaxSize: 64, Progress: func(e Event) {
		if e.Done && e.Size == 2 {
			cancel()
		}
	}})
	res, err := Recommend(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || len(res.Steps) != 2 {
		t.Errorf("partial %v with %d steps, want partial after 2", res.Partial, len(res.Steps))
	}
}

func TestValidate(t *testing.T) {
	open := func(context.Context, int) (Target, error) { return nil, errors.New("unused") }
	tests := []struct {
		name string
		o    Options
	}{
		{"no opener", Options{MaxSize: 4}},
		{"max 0", Options{Open: open}},
		{"negative rate", Options{Open: open, MaxSize: 4, ExpectedRate: -1}},
		{"negative instances", Options{Open: open, MaxSize: 4, Instances: -1}},
		{"negative wait", Options{Open: open, MaxSize: 4, WaitP99: -time.Second}},
	}
	for _, tt := range tests {
		if _, err := Recommend(context.Background(), tt.o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: error %v, want ErrInvalidOptions", tt.name, err)
		}
	}
}

// failingTarget fails every operation with msg from size from on.
type failingTarget struct {
	Target
	from int
	size int
	msg  string
}

func (f failingTarget) Do(ctx context.Context) error {
	if f.size >= f.from {
		return errors.New(f.msg)
	}
	return f.Target.Do(ctx)
}

// TestFailFastStopsAtTheFirstStep: a first step whose operations all fail
// alike (bad SQL) ends the sweep with the *workload.FailFastError; a refusal
// stays a refusal, a later step's failure stays a failed step, and without
// FailFast the sweep runs the step out as before.
func TestFailFastStopsAtTheFirstStep(t *testing.T) {
	const badSQL = `ERROR: syntax error at or near "SELEC" (SQLSTATE 42601)`
	const full = "FATAL: sorry, too many clients already (SQLSTATE 53300)"
	tests := []struct {
		name      string
		failFast  int
		from      int // first failing size
		msg       string
		wantFF    bool
		wantSteps int
		wantStop  string
	}{
		{"bad SQL from the first step", 20, 1, badSQL, true, 1, "size 1: the first 20 operations all failed with the same error, so the sweep stopped: " + badSQL},
		{"fail fast off", 0, 1, badSQL, false, 1, "size 1 failed (error rate 100 %)"},
		{"refused at the first step", 20, 1, full, false, 1, "the server refused connections at size 1"},
		{"bad SQL from the second step", 20, 2, badSQL, false, 2, "size 2 failed (error rate 100 %)"},
	}
	srv := limitServer(t, 8, time.Millisecond)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open := func(ctx context.Context, size int) (Target, error) {
				tg, err := opener(srv)(ctx, size)
				return failingTarget{Target: tg, from: tt.from, size: size, msg: tt.msg}, err
			}
			res, err := Recommend(context.Background(), quick(Options{Name: "http", Open: open, MaxSize: 8, FailFast: tt.failFast}))
			var ff *workload.FailFastError
			if got := errors.As(err, &ff); got != tt.wantFF || (!tt.wantFF && err != nil) {
				t.Fatalf("err = %v; want a FailFastError: %v", err, tt.wantFF)
			}
			if tt.wantFF && (ff.Ops != tt.failFast || ff.Err.Error() != tt.msg || ff.Name != "http") {
				t.Errorf("FailFastError %+v", ff)
			}
			if res == nil {
				t.Fatal("no result")
			}
			if len(res.Steps) != tt.wantSteps || !strings.Contains(res.StopReason, tt.wantStop) {
				t.Errorf("%d steps, stop reason %q; want %d steps and %q", len(res.Steps), res.StopReason, tt.wantSteps, tt.wantStop)
			}
			if res.Recommendation != nil && tt.from == 1 {
				t.Errorf("recommendation %+v from a sweep that measured nothing", res.Recommendation)
			}
		})
	}
}
