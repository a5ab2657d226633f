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
	if under.Operations != 10 {
		t.Errorf("underloaded run: %d operations, want 25/s × 0.4 s = 10", under.Operations)
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
	if calls.Load() != 150 {
		t.Errorf("op ran %d times, want 150", calls.Load())
	}
	if res.Operations+res.Dropped != 100 {
		t.Errorf("measured %d + dropped %d, want 100", res.Operations, res.Dropped)
	}
}
