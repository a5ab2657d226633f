package pools

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func TestTrackerSeesEveryCheckout(t *testing.T) {
	tr := &recTracker{live: map[uint64]string{}}
	o := testOptions()
	o.Tracker = tr
	p := newTestPool(t, newMem(), o)
	a, _ := p.Acquire(context.Background())
	b, _ := p.Acquire(context.Background())
	tr.mu.Lock()
	if len(tr.live) != 2 || tr.live[1] != "mem/test" {
		t.Errorf("live registrations %v, want two of mem/test", tr.live)
	}
	tr.mu.Unlock()
	a.Release()
	b.Destroy()
	tr.mu.Lock()
	if len(tr.live) != 0 || tr.released != 2 {
		t.Errorf("after returning both: live %v, released %d", tr.live, tr.released)
	}
	tr.fail = true
	tr.mu.Unlock()
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatalf("a failing tracker must not fail Acquire: %v", err)
	}
	c.Release()
}

func TestHoldAndWaitTimesAreRecorded(t *testing.T) {
	if !metricsEnabled {
		t.Skip("built with resync_nometrics")
	}
	m := newMem()
	o := testOptions()
	o.MaxSize = 1
	p := newTestPool(t, m, o)
	c, _ := p.Acquire(context.Background())
	const held = 20 * time.Millisecond
	got := make(chan *Conn[*memConn], 1)
	go func() {
		c, err := p.Acquire(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	eventually(t, "a waiter", func() bool { return p.Snapshot().Waiting == 1 })
	time.Sleep(held)
	c.Release()
	c2 := within(t, func() *Conn[*memConn] { return <-got })
	c2.Release()
	s := p.Snapshot()
	// Lower bounds only: the hold lasted at least the sleep and so did the
	// second acquire's wait.
	if s.HoldMs.Max < float64(held.Milliseconds()) || s.AcquireWaitMs.Max < float64(held.Milliseconds()) {
		t.Errorf("hold %+v and wait %+v, want max ≥ %v", s.HoldMs, s.AcquireWaitMs, held)
	}
	if s.Utilization <= 0 || s.Utilization > 1 || s.PeakUtilization != 1 {
		t.Errorf("utilization %v peak %v", s.Utilization, s.PeakUtilization)
	}
}

// TestConcurrentUseKeepsTheBooks hammers the pool from many goroutines with
// releases, destroys and cancellations; the counts must still balance.
func TestConcurrentUseKeepsTheBooks(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize, o.MaxSize, o.HealthCheckInterval = 1, 3, 5*time.Millisecond
	p := newTestPool(t, m, o)
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			for i := range 200 {
				ctx, cancel := context.WithCancel(context.Background())
				if (g+i)%17 == 0 {
					cancel()
				}
				c, err := p.Acquire(ctx)
				cancel()
				if err != nil {
					continue
				}
				if (g*i)%13 == 0 {
					c.Destroy()
				} else {
					c.Release()
				}
			}
		})
	}
	within(t, func() struct{} { wg.Wait(); return struct{}{} })
	s := p.Snapshot()
	closed := s.Closed.Idle + s.Closed.Lifetime + s.Closed.Health + s.Closed.Error + s.Closed.Shutdown
	if s.Active != 0 || s.Waiting != 0 || s.Total > o.MaxSize || s.Created-closed != uint64(s.Total-s.Constructing) {
		t.Errorf("books do not balance: %+v", s)
	}
	if s.AcquireCount == 0 || s.Cancellations == 0 || s.Closed.Error == 0 {
		t.Errorf("the workload did not exercise the paths: %+v", s)
	}
	// A dial may be finishing: compare once the pool is quiet.
	eventually(t, "connector and pool to agree on open connections", func() bool {
		s := p.Snapshot()
		return s.Constructing == 0 && m.openCount() == s.Total
	})
}

// TestHoldSampling: a slow pool times every checkout; a pool checked out in a
// tight loop times only some, and their weights still add up to the
// checkouts (but for the untimed tail) and keep the utilization right.
func TestHoldSampling(t *testing.T) {
	if !metricsEnabled {
		t.Skip("built with resync_nometrics")
	}
	holdCount := func(p *Pool[*memConn]) int64 {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.hold.h.TotalCount()
	}
	t.Run("slow pool: every checkout timed", func(t *testing.T) {
		p := newTestPool(t, newMem(), testOptions())
		for range 20 {
			c, err := p.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
			c.Release()
			time.Sleep(2 * time.Millisecond)
		}
		if got := holdCount(p); got != 20 {
			t.Errorf("hold count %d, want 20 (all timed)", got)
		}
	})
	t.Run("tight loop: sampled, weights add up", func(t *testing.T) {
		p := newTestPool(t, newMem(), testOptions())
		const n = 400_000
		checkouts(t, p, n)
		p.mu.Lock()
		stride, timed := p.sample.stride, p.hold.h.TotalCount()
		p.mu.Unlock()
		if stride <= 1 {
			t.Skipf("the loop ran below %d checkouts/s: nothing to sample", sampleRate)
		}
		if timed > n || timed < n-maxStride {
			t.Errorf("weighted hold count %d, want %d minus at most %d untimed", timed, n, maxStride)
		}
		// One connection, held for a tiny part of each cycle: the estimate
		// must stay a fraction, never exceed the wall time.
		if s := p.Snapshot(); s.Utilization <= 0 || s.Utilization >= 1 {
			t.Errorf("utilization %v, want in (0, 1)", s.Utilization)
		}
	})
	t.Run("contended: queued checkouts sampled too, counts add up", func(t *testing.T) {
		o := testOptions()
		o.MaxSize = 2
		p := newTestPool(t, newMem(), o)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50_000 {
					c, err := p.Acquire(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					c.Release()
				}
			})
		}
		wg.Wait()
		s := p.Snapshot()
		p.mu.Lock()
		holds, queued := uint64(p.hold.h.TotalCount()), p.handedOff
		p.mu.Unlock()
		// Each kind leaves at most one stride of untimed checkouts behind.
		if slack := uint64(2 * maxStride); holds > s.AcquireCount || holds+slack < s.AcquireCount ||
			s.AcquireWaitCount > s.AcquireCount || s.AcquireWaitCount+slack < s.AcquireCount {
			t.Errorf("acquires %d (%d queued): weighted holds %d, waits %d; want each within %d below",
				s.AcquireCount, queued, holds, s.AcquireWaitCount, slack)
		}
	})
}

// TestGiveUpUndoesCheckout: a waiter served while its context ends hands the
// connection back; every count the checkout booked, including the sampler's,
// must be undone (and in resync_nometrics builds nothing may underflow).
func TestGiveUpUndoesCheckout(t *testing.T) {
	tests := []struct {
		name           string
		stride, queued int64 // sampler state before the hand-off
	}{
		{"every checkout timed", 1, 0},
		{"untimed hand-off", 4, 0},
		{"untimed hand-off after others", 4, 2},
		{"timed hand-off standing for others", 4, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions()
			o.MaxSize = 1
			p := newTestPool(t, newMem(), o)
			c, err := p.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			w := p.waiterP.Get().(*waiter[*memConn])
			p.mu.Lock()
			p.sample.stride = tt.stride
			p.sample.queued = tally{left: tt.stride - 1 - tt.queued, cycle: tt.stride - 1}
			p.sample.due, p.sample.dueAcq = math.MaxInt64, math.MaxUint64 // no re-estimate of the stride
			p.waiters.push(w)
			acquires, handedOff := p.count.acquires, p.handedOff
			p.mu.Unlock()

			c.Release() // hands c to w, which is no longer queued
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := p.giveUp(ctx, w); !errors.Is(err, context.Canceled) {
				t.Fatalf("giveUp = %v, want context.Canceled", err)
			}

			p.mu.Lock()
			defer p.mu.Unlock()
			if p.count.acquires != acquires || p.handedOff != handedOff {
				t.Errorf("acquires %d, handed off %d; want %d, %d as before the hand-off",
					p.count.acquires, p.handedOff, acquires, handedOff)
			}
			if metricsEnabled && p.sample.queued.pending() != tt.queued {
				t.Errorf("untimed queued checkouts %d, want %d as before the hand-off", p.sample.queued.pending(), tt.queued)
			}
			if p.active != 0 || len(p.idle) != 1 || c.weight != 0 {
				t.Errorf("active %d, idle %d, weight %d; want the connection back idle and untimed",
					p.active, len(p.idle), c.weight)
			}
		})
	}
}

// A pool that slows down after a burst times every checkout again from the
// end of the window: the cycle the burst began (one timed checkout in
// maxStride) is cut short, not run out.
func TestSlowdownAfterBurstTimesEveryCheckout(t *testing.T) {
	if !metricsEnabled {
		t.Skip("no sampling in resync_nometrics builds")
	}
	p := newTestPool(t, newMem(), testOptions())
	p.mu.Lock()
	p.sample.stride = maxStride // as after a burst
	p.sample.due, p.sample.dueAcq = math.MaxInt64, math.MaxUint64
	p.mu.Unlock()
	c, err := p.Acquire(context.Background()) // timed; begins a cycle of maxStride
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	// The window ends at the next release, having seen one checkout in a
	// second: stride 1.
	p.mu.Lock()
	p.sample.winFrom, p.sample.winAcq = mono()-int64(time.Second), p.count.acquires
	p.sample.due, p.sample.dueAcq = 0, 0
	p.mu.Unlock()
	checkouts(t, p, 100)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sample.stride != 1 {
		t.Fatalf("stride %d, want 1 after a second with one checkout", p.sample.stride)
	}
	// All but the first of the n were timed (the first, untimed, is
	// carried by the second), so nothing is pending.
	if holds, pending := p.hold.h.TotalCount(), p.sample.fast.pending(); uint64(holds) != p.count.acquires || pending != 0 {
		t.Errorf("weighted holds %d, %d pending, after %d checkouts; want all %d timed or stood for",
			holds, pending, p.count.acquires, p.count.acquires)
	}
}

// A timed hand-off undone because its waiter gave up books only its own
// busy time: the checkouts it stood for go to the next timed one.
func TestGiveUpBooksOnlyItsOwnBusyTime(t *testing.T) {
	if !metricsEnabled {
		t.Skip("no utilization in resync_nometrics builds")
	}
	o := testOptions()
	o.MaxSize = 1
	p := newTestPool(t, newMem(), o)
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w := p.waiterP.Get().(*waiter[*memConn])
	p.mu.Lock()
	p.sample.stride = 4
	p.sample.queued = tally{left: 0, cycle: 3} // the next hand-off is timed, weight 4
	p.sample.due, p.sample.dueAcq = math.MaxInt64, math.MaxUint64
	p.waiters.push(w)
	p.mu.Unlock()
	c.Release() // hands c to w
	p.mu.Lock()
	busy0 := p.util.busy
	p.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.giveUp(ctx, w); !errors.Is(err, context.Canceled) {
		t.Fatalf("giveUp = %v, want context.Canceled", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	booked, span := p.util.busy-busy0, float64(mono()-c.acquiredAt)
	if booked <= 0 || booked > span || p.util.openW != 0 {
		t.Errorf("booked %.2f ms busy for an undone hand-off of %.2f ms (open weight %v); want its own time, once",
			booked/1e6, span/1e6, p.util.openW)
	}
	if got := p.sample.queued.pending(); got != 3 {
		t.Errorf("queued pending %d, want the 3 the undone one stood for", got)
	}
}

// The whole pool, concurrent, with callers giving up (some while being
// served): once everything is released, the weighted holds plus both
// kinds' pending equal the acquires, and the weighted waits plus the queued
// pending the handed-off ones.
func TestWeightsAddUpWithGiveUps(t *testing.T) {
	if !metricsEnabled {
		t.Skip("no sampling in resync_nometrics builds")
	}
	for round := range 3 {
		o := testOptions()
		o.MaxSize = 2
		p := newTestPool(t, newMem(), o)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(round), uint64(g)))
				for range 10_000 {
					ctx, cancel := context.WithCancel(context.Background())
					if r.IntN(4) == 0 {
						go cancel() // races the acquire: before, during or after
					}
					c, err := p.Acquire(ctx)
					cancel()
					if err != nil {
						continue
					}
					c.Release()
				}
			})
		}
		wg.Wait()
		p.mu.Lock()
		holds, waits := p.hold.h.TotalCount(), p.wait.h.TotalCount()
		fp, qp := p.sample.fast.pending(), p.sample.queued.pending()
		acq, handed := p.count.acquires, p.handedOff
		p.mu.Unlock()
		if holds+fp+qp != int64(acq) {
			t.Errorf("round %d: holds %d + pending %d + %d != acquires %d", round, holds, fp, qp, acq)
		}
		if waits+qp != int64(handed) {
			t.Errorf("round %d: waits %d + queued pending %d != handed off %d", round, waits, qp, handed)
		}
	}
}
