package workload

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestClosedModelRequests(t *testing.T) {
	srv := newLimitedServer(t, 4, 2*time.Millisecond)
	res := run(t, Options{Name: "http", Op: httpOp(t, srv.URL), Concurrency: 4, Requests: 200})

	if res.Model != ModelClosed || res.Concurrency != 4 {
		t.Errorf("model %s concurrency %d, want closed 4", res.Model, res.Concurrency)
	}
	if res.Operations != 200 || res.Succeeded != 200 || res.Errors.Total() != 0 {
		t.Errorf("operations %d succeeded %d errors %+v, want 200 200 none", res.Operations, res.Succeeded, res.Errors)
	}
	if got := srv.served.Load(); got != 200 {
		t.Errorf("server served %d requests, want exactly the 200 asked for", got)
	}
	// Every request sleeps 2 ms in the server, so no latency can be lower.
	if res.Latency.P50 < 2 || res.Latency.Max < res.Latency.P99 || res.Latency.P99 < res.Latency.P50 {
		t.Errorf("latency %+v: want 2 ms ≤ p50 ≤ p99 ≤ max", res.Latency)
	}
	if res.Throughput <= 0 || res.Elapsed <= 0 {
		t.Errorf("throughput %g over %v, want positive", res.Throughput, res.Elapsed)
	}
	var seriesOps uint64
	for _, p := range res.Series {
		seriesOps += p.Ops
	}
	if seriesOps != res.Operations {
		t.Errorf("series sums to %d operations, want %d", seriesOps, res.Operations)
	}
	if res.Partial || res.ServiceTime != nil || res.Late != 0 || res.Dropped != 0 {
		t.Errorf("closed model result has open-model or partial fields: %+v", res)
	}
}

func TestWarmupIsExcluded(t *testing.T) {
	var calls atomic.Int64
	res := run(t, Options{Op: countingOp(&calls, time.Millisecond), Concurrency: 2,
		Warmup: 50 * time.Millisecond, Duration: 100 * time.Millisecond})
	// Operations that started during the warm-up ran but are not counted.
	if res.Operations == 0 || int64(res.Operations) >= calls.Load() {
		t.Errorf("measured %d of %d calls: want some measured and the warm-up's excluded", res.Operations, calls.Load())
	}
	if res.WarmupS != 0.05 {
		t.Errorf("warmup_seconds = %g, want 0.05", res.WarmupS)
	}
}

func TestRequestsIncludeWarmup(t *testing.T) {
	var calls atomic.Int64
	res := run(t, Options{Op: countingOp(&calls, 0), Concurrency: 3, Requests: 500, Warmup: time.Millisecond})
	if calls.Load() != 500 {
		t.Errorf("op ran %d times, want the 500 requests in total", calls.Load())
	}
	if res.Operations > 500 {
		t.Errorf("measured %d operations out of 500", res.Operations)
	}
}

func TestCancelReturnsPartialFigures(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int64
	op := func(ctx context.Context) error {
		if calls.Add(1) == 50 {
			cancel()
		}
		select {
		case <-time.After(time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// An hour-long run: only the cancellation can end it.
	res, err := Run(ctx, Options{Op: op, Concurrency: 4, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial {
		t.Error("Partial = false after cancellation")
	}
	if res.Operations == 0 || res.Operations > 50 {
		t.Errorf("measured %d operations, want the ones before the cancel (1..50)", res.Operations)
	}
	// Operations interrupted by our own cancel are not the target's errors.
	if res.Errors.Total() != 0 {
		t.Errorf("errors %+v, want none: interrupted operations are not measured", res.Errors)
	}
}

func TestOpTimeoutBoundsAStalledTarget(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	op := func(ctx context.Context) error {
		select {
		case <-block:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	res := run(t, Options{Op: op, Concurrency: 2, Requests: 4, OpTimeout: 20 * time.Millisecond})
	if res.Errors.Timeout != 4 || res.Succeeded != 0 {
		t.Errorf("errors %+v succeeded %d, want 4 timeouts", res.Errors, res.Succeeded)
	}
	if res.ErrorRate != 1 {
		t.Errorf("error rate %g, want 1", res.ErrorRate)
	}
	if res.ErrorSamples["timeout"] == "" {
		t.Errorf("no sample message for timeouts: %v", res.ErrorSamples)
	}
}

func TestProgressIsReported(t *testing.T) {
	var calls atomic.Int64
	var reports atomic.Int64
	var sawOps atomic.Bool
	res := run(t, Options{Name: "p", Op: countingOp(&calls, time.Millisecond), Concurrency: 2,
		Duration: 120 * time.Millisecond, ProgressInterval: 10 * time.Millisecond,
		Progress: func(p Progress) {
			reports.Add(1)
			if p.Name == "p" && p.Ops > 0 {
				sawOps.Store(true)
			}
		}})
	if res.Operations == 0 || reports.Load() == 0 || !sawOps.Load() {
		t.Errorf("operations %d, progress reports %d (with ops: %v)", res.Operations, reports.Load(), sawOps.Load())
	}
}

func TestValidate(t *testing.T) {
	op := func(context.Context) error { return nil }
	tests := []struct {
		name string
		o    Options
		ok   bool
	}{
		{"defaults", Options{Op: op}, true},
		{"no op", Options{}, false},
		{"negative concurrency", Options{Op: op, Concurrency: -1}, false},
		{"negative rate", Options{Op: op, Rate: -1}, false},
		{"negative duration", Options{Op: op, Duration: -time.Second}, false},
		{"negative warm-up", Options{Op: op, Warmup: -time.Second}, false},
		{"requests used up by the warm-up", Options{Op: op, Rate: 100, Requests: 100, Warmup: time.Second}, false},
		{"requests beyond the warm-up", Options{Op: op, Rate: 100, Requests: 101, Warmup: time.Second}, true},
		{"unknown distribution", Options{Op: op, Cache: newMapCache(), KeyDist: KeyDist{Kind: "pareto"}}, false},
		{"bad zipf exponent", Options{Op: op, Cache: newMapCache(), KeyDist: KeyDist{S: -1}}, false},
		{"bad hot fraction", Options{Op: op, Cache: newMapCache(), KeyDist: KeyDist{Kind: DistHotset, HotFraction: 1.5}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("error %v does not wrap ErrInvalidOptions", err)
			}
			if _, runErr := Run(context.Background(), Options{}); !errors.Is(runErr, ErrInvalidOptions) {
				t.Errorf("Run with no op: %v", runErr)
			}
		})
	}
}

// With both a duration and a request budget, the budget ending first sets
// the window: throughput is over the time the requests took, not the
// whole duration.
func TestRequestsEndBeforeDuration(t *testing.T) {
	var calls atomic.Int64
	res := run(t, Options{Op: countingOp(&calls, time.Millisecond), Concurrency: 2, Requests: 20, Duration: time.Hour})
	if res.Operations != 20 || res.Elapsed >= time.Minute {
		t.Errorf("operations %d over %v: want 20 over the time they took", res.Operations, res.Elapsed)
	}
}

// TestOnMeasure: OnMeasure is called once, at the end of the warm-up, with
// the calls counted from then on matching the measured operations (within
// those in flight at either edge); not at all without a warm-up or when the
// run ends first.
func TestOnMeasure(t *testing.T) {
	tests := []struct {
		name             string
		warmup, duration time.Duration
		requests         uint64
		wantCalls        int32
	}{
		{"after the warm-up", 100 * time.Millisecond, 200 * time.Millisecond, 0, 1},
		{"no warm-up", 0, 100 * time.Millisecond, 0, 0},
		{"ends within the warm-up", time.Hour, 0, 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			var marks atomic.Int32
			var atMark int64
			res := run(t, Options{Op: countingOp(&calls, time.Millisecond), Concurrency: 2,
				Warmup: tt.warmup, Duration: tt.duration, Requests: tt.requests,
				OnMeasure: func() { marks.Add(1); atMark = calls.Load() }})
			if got := marks.Load(); got != tt.wantCalls {
				t.Fatalf("OnMeasure called %d times, want %d", got, tt.wantCalls)
			}
			if tt.wantCalls == 0 {
				return
			}
			since := calls.Load() - atMark // calls started after the mark
			if d := since - int64(res.Operations); d < -2 || d > 2 {
				t.Errorf("%d calls after OnMeasure, %d measured: want them equal within the 2 in flight", since, res.Operations)
			}
		})
	}
}
