package workload

import (
	"sync/atomic"
	"testing"
	"time"
)

// A server with capacity 100/s (one request at a time, 10 ms each) offered
// 200/s: half the arrivals cannot start on time, the queue grows for the
// whole run, and the latency measured from each arrival shows it — the
// closed model at the same concurrency would report ~10 ms × queue depth
// of 4 and hide the rest (coordinated omission).
func TestOpenModelIncludesQueueing(t *testing.T) {
	srv := newLimitedServer(t, 1, 10*time.Millisecond)
	op := httpOp(t, srv.URL)
	over := run(t, Options{Op: op, Rate: 200, Concurrency: 4, Duration: time.Second, MaxBacklog: 1000})

	if over.Model != ModelOpen || over.ServiceTime == nil {
		t.Fatalf("model %s service time %v, want open with service times", over.Model, over.ServiceTime)
	}
	// The schedule offers exactly Rate × Duration measured arrivals; with a
	// backlog this large none is dropped during the window, but the ones
	// still queued when it ends cannot start in time and are dropped then
	// (the server finishes only about 100 in the second).
	if over.Operations+over.Dropped+over.Abandoned != 200 || over.Dropped == 0 {
		t.Errorf("operations %d + dropped %d + abandoned %d, want 200 with some dropped",
			over.Operations, over.Dropped, over.Abandoned)
	}
	// The server finishes at most one request per 10 ms, so once the four
	// workers are busy every further arrival waits: most are late.
	if over.Late < over.Operations/2 {
		t.Errorf("late %d of %d, want at least half", over.Late, over.Operations)
	}
	// Latency from the arrival includes the wait for a worker; the service
	// time (from the actual start) does not.
	if over.Latency.P99 <= over.ServiceTime.P99 || over.Latency.P50 <= over.ServiceTime.P50 {
		t.Errorf("latency %+v not above service time %+v", over.Latency, *over.ServiceTime)
	}
	// The queue grows during the run: the last second's operations waited
	// longer than the first second's.
	if n := len(over.Series); n < 2 || over.Series[n-1].MeanMs <= over.Series[0].MeanMs {
		t.Errorf("mean latency per second %+v, want it rising", over.Series)
	}

	// The same server at a quarter of its capacity: the median is far below
	// the overloaded run's.
	under := run(t, Options{Op: op, Rate: 25, Concurrency: 4, Duration: 400 * time.Millisecond, MaxBacklog: 1000})
	if under.Operations+under.Dropped != 10 || under.Dropped > 1 {
		t.Errorf("underloaded run: %d operations + %d dropped, want 25/s × 0.4 s = 10 (at most the last arrival dropped)",
			under.Operations, under.Dropped)
	}
	if under.Latency.P50 >= over.Latency.P50 {
		t.Errorf("underloaded p50 %g ms ≥ overloaded p50 %g ms", under.Latency.P50, over.Latency.P50)
	}

	// And the closed model at the same concurrency reports only the four
	// requests in flight queueing at the server — far less than the open
	// model's latency.
	closed := run(t, Options{Op: op, Concurrency: 4, Duration: 500 * time.Millisecond})
	if closed.Latency.P99 >= over.Latency.P99 {
		t.Errorf("closed p99 %g ms ≥ open p99 %g ms: the open model hides queueing", closed.Latency.P99, over.Latency.P99)
	}
}

func TestOpenModelDropsBeyondBacklog(t *testing.T) {
	srv := newLimitedServer(t, 1, 10*time.Millisecond)
	res := run(t, Options{Op: httpOp(t, srv.URL), Rate: 400, Concurrency: 2, Duration: 500 * time.Millisecond, MaxBacklog: 4})
	// 400/s × 0.5 s = 200 arrivals; the server can finish about 50 of them.
	if res.Operations+res.Dropped != 200 {
		t.Errorf("operations %d + dropped %d ≠ 200 arrivals", res.Operations, res.Dropped)
	}
	if res.Dropped == 0 || res.Dropped < res.Operations {
		t.Errorf("dropped %d operations %d: want most arrivals dropped", res.Dropped, res.Operations)
	}
	if int64(res.Operations) != srv.served.Load() {
		t.Errorf("measured %d, server served %d", res.Operations, srv.served.Load())
	}
}

func TestOpenModelRequests(t *testing.T) {
	var calls atomic.Int64
	res := run(t, Options{Op: countingOp(&calls, 0), Rate: 2000, Requests: 60, Concurrency: 2})
	if calls.Load() != 60 || res.Operations != 60 {
		t.Errorf("calls %d operations %d, want 60", calls.Load(), res.Operations)
	}
	if res.Rate != 2000 {
		t.Errorf("rate %g", res.Rate)
	}
}

func TestOpenModelWarmup(t *testing.T) {
	var calls atomic.Int64
	// 1000/s for 50 ms of warm-up and 100 ms measured: 150 arrivals, of
	// which the 100 due after the warm-up are measured.
	res := run(t, Options{Op: countingOp(&calls, 0), Rate: 1000, Concurrency: 4,
		Warmup: 50 * time.Millisecond, Duration: 100 * time.Millisecond})
	// An arrival still queued when the window ends is dropped, not run
	// (on a loaded machine the last one may be): every arrival either ran
	// or was dropped.
	if uint64(calls.Load())+res.Dropped != 150 {
		t.Errorf("op ran %d times and %d were dropped, want 150 in all", calls.Load(), res.Dropped)
	}
	if res.Operations+res.Dropped != 100 {
		t.Errorf("measured %d + dropped %d, want 100", res.Operations, res.Dropped)
	}
}

// A run with a Duration ends within Warmup + Duration + Drain (plus slack
// for a loaded machine) whatever the rate or the target: arrivals that
// cannot start in time are dropped, never caught up afterwards, and every
// arrival of the window is accounted for exactly once.
func TestOpenModelEndsWithinDurationPlusDrain(t *testing.T) {
	tests := []struct {
		name        string
		rate        float64
		concurrency int
		opDelay     time.Duration
		duration    time.Duration
		arrivals    uint64 // rate × duration
	}{
		// 20 000/s against 2 workers of 50 ms: 40 ops/s of capacity and a
		// default backlog of 20 000 (one second) that used to be worked
		// off after the end, for minutes.
		{"slow op far over capacity", 20_000, 2, 50 * time.Millisecond, time.Second, 20_000},
		// 10 million/s: the scheduler cannot emit arrivals one by one
		// that fast, and used to try (and queue ten million of them).
		{"very high rate", 1e7, 4, 0, 500 * time.Millisecond, 5_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			began := time.Now()
			res := run(t, Options{Op: countingOp(&calls, tt.opDelay), Rate: tt.rate, Concurrency: tt.concurrency, Duration: tt.duration})
			took := time.Since(began)
			if limit := tt.duration + DefaultDrain + 3*time.Second; took > limit {
				t.Errorf("run took %v, want at most duration + drain + slack = %v", took, limit)
			}
			if got := res.Operations + res.Dropped + res.Abandoned; got != tt.arrivals {
				t.Errorf("operations %d + dropped %d + abandoned %d = %d, want the window's %d arrivals",
					res.Operations, res.Dropped, res.Abandoned, got, tt.arrivals)
			}
			if res.Dropped == 0 {
				t.Errorf("nothing dropped at %g/s with %d workers", tt.rate, tt.concurrency)
			}
			if uint64(calls.Load()) != res.Operations+res.Abandoned {
				t.Errorf("op ran %d times, want operations %d + abandoned %d", calls.Load(), res.Operations, res.Abandoned)
			}
		})
	}
}

// Operations in flight when the window ends get at most Drain, then are
// cancelled and counted as abandoned, in both models, even when OpTimeout
// alone would let them run much longer.
func TestDrainBoundsOperationsInFlight(t *testing.T) {
	tests := []struct {
		name string
		rate float64
	}{
		{"closed", 0},
		{"open", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			const drain = 200 * time.Millisecond
			began := time.Now()
			res := run(t, Options{Op: countingOp(&calls, time.Minute), Rate: tt.rate, Concurrency: 3,
				Duration: 300 * time.Millisecond, Drain: drain, OpTimeout: 5 * time.Minute})
			took := time.Since(began)
			if limit := 300*time.Millisecond + drain + 3*time.Second; took > limit {
				t.Errorf("run took %v, want at most %v", took, limit)
			}
			if res.Abandoned == 0 || res.Abandoned != uint64(calls.Load()) {
				t.Errorf("abandoned %d of %d started, want all of them", res.Abandoned, calls.Load())
			}
			if res.Operations != 0 || res.Drained != 0 || res.Partial {
				t.Errorf("operations %d drained %d partial %v, want none measured and a complete run",
					res.Operations, res.Drained, res.Partial)
			}
		})
	}
}

// Operations in flight at the end that finish within the drain are
// counted as drained (and, in the open model, measured).
func TestDrainedOperationsAreCounted(t *testing.T) {
	var calls atomic.Int64
	res := run(t, Options{Op: countingOp(&calls, 150*time.Millisecond), Rate: 20, Concurrency: 8,
		Duration: 300 * time.Millisecond, Drain: 5 * time.Second})
	if res.Drained == 0 || res.Abandoned != 0 {
		t.Errorf("drained %d abandoned %d, want some drained and none abandoned", res.Drained, res.Abandoned)
	}
	if res.Operations+res.Dropped != 6 {
		t.Errorf("operations %d + dropped %d, want 20/s × 0.3 s = 6", res.Operations, res.Dropped)
	}
}
