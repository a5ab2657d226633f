package pools

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAcquireReusesConnections(t *testing.T) {
	m := newMem()
	p := newTestPool(t, m, testOptions())
	ctx := context.Background()
	var first int
	for i := range 5 {
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = c.Value().id
			s := p.Snapshot()
			if s.Active != 1 || s.Idle != 0 || s.Total != 1 {
				t.Errorf("while held: active %d idle %d total %d, want 1 0 1", s.Active, s.Idle, s.Total)
			}
		} else if c.Value().id != first {
			t.Errorf("acquire %d got connection %d, want the reused %d", i, c.Value().id, first)
		}
		c.Release()
	}
	s := p.Snapshot()
	if s.AcquireCount != 5 || s.Created != 1 || s.Idle != 1 || s.Active != 0 || s.Exhaustions != 0 {
		t.Errorf("snapshot = %+v, want 5 acquires, 1 created, 1 idle", s)
	}
	if s.HoldMs.Max < 0 || s.AcquireWaitMs.P99 > s.AcquireWaitMs.Max {
		t.Errorf("quantiles out of order: wait %+v", s.AcquireWaitMs)
	}
}

func TestMinSizeIsWarmedInBackground(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize = 3
	p := newTestPool(t, m, o)
	eventually(t, "3 idle connections", func() bool { s := p.Snapshot(); return s.Idle == 3 && s.Total == 3 })
	if s := p.Snapshot(); s.Created != 3 || !s.Reachable || s.ConnectMs.Max < 0 {
		t.Errorf("after warm-up: %+v", s)
	}
}

func TestWaitersAndExhaustion(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MaxSize = 1
	p := newTestPool(t, m, o)
	ctx := context.Background()
	held, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Conn[*memConn], 2)
	for range 2 {
		go func() {
			c, err := p.Acquire(ctx)
			if err != nil {
				t.Error(err)
			}
			got <- c
		}()
	}
	eventually(t, "two waiters", func() bool { return p.Snapshot().Waiting == 2 })
	s := p.Snapshot()
	if s.Exhaustions != 2 || s.PeakWaiting != 2 || s.Active != 1 || s.Total != 1 {
		t.Errorf("while exhausted: %+v", s)
	}
	held.Release()
	c := within(t, func() *Conn[*memConn] { return <-got })
	if c.Value() != held.Value() {
		t.Error("the waiter did not get the released connection")
	}
	c.Release()
	c = within(t, func() *Conn[*memConn] { return <-got })
	c.Release()
	s = p.Snapshot()
	if s.Waiting != 0 || s.AcquireCount != 3 || s.Created != 1 {
		t.Errorf("after serving the waiters: %+v", s)
	}
	if metricsEnabled && s.PeakUtilization != 1 {
		t.Errorf("peak utilization %v, want 1 (1 of max 1 in use)", s.PeakUtilization)
	}
}

func TestAcquireGivesUp(t *testing.T) {
	tests := []struct {
		name          string
		connect       time.Duration
		ctx           func() (context.Context, context.CancelFunc)
		cancelAfter   bool // cancel once the caller is waiting
		wantIs        error
		timeouts      uint64
		cancellations uint64
	}{
		{
			name: "caller cancels", connect: hang,
			ctx:    func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			wantIs: context.Canceled, cancelAfter: true, cancellations: 1,
		},
		{
			name: "caller deadline", connect: hang,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 30*time.Millisecond)
			},
			wantIs: context.DeadlineExceeded, timeouts: 1,
		},
		{
			name: "connect timeout", connect: 30 * time.Millisecond,
			ctx:    func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			wantIs: context.DeadlineExceeded, timeouts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMem()
			o := testOptions()
			o.MaxSize, o.ConnectTimeout = 1, tt.connect
			p := newTestPool(t, m, o)
			held, err := p.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer held.Release()
			ctx, cancel := tt.ctx()
			defer cancel()
			if tt.cancelAfter {
				go func() {
					eventually(t, "a waiter", func() bool { return p.Snapshot().Waiting == 1 })
					cancel()
				}()
			}
			err = within(t, func() error { _, err := p.Acquire(ctx); return err })
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Acquire error %v, want %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), "pool test") {
				t.Errorf("error %q does not name the pool", err)
			}
			s := p.Snapshot()
			if s.Timeouts != tt.timeouts || s.Cancellations != tt.cancellations || s.Waiting != 0 {
				t.Errorf("timeouts %d cancellations %d waiting %d, want %d %d 0",
					s.Timeouts, s.Cancellations, s.Waiting, tt.timeouts, tt.cancellations)
			}
		})
	}
}

// Waiters queued while the wait timer is armed store their deadline after
// unlocking; each still times out at its own ConnectTimeout, in turn, also
// with recycled waiters (second round).
func TestQueuedWaitersTimeOutInTurn(t *testing.T) {
	o := testOptions()
	o.MaxSize, o.ConnectTimeout = 1, 150*time.Millisecond
	p := newTestPool(t, newMem(), o)
	held, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for round := 1; round <= 2; round++ {
		first := make(chan error, 1)
		go func() { _, err := p.Acquire(context.Background()); first <- err }()
		eventually(t, "the first waiter", func() bool { return p.Snapshot().Waiting == 1 })
		time.Sleep(o.ConnectTimeout / 2)
		second := make(chan error, 1)
		go func() { _, err := p.Acquire(context.Background()); second <- err }()
		eventually(t, "the second waiter", func() bool { return p.Snapshot().Waiting == 2 })
		if err := within(t, func() error { return <-first }); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("round %d: first waiter: %v, want a connect timeout", round, err)
		}
		select {
		case err := <-second:
			t.Fatalf("round %d: second waiter gave up with the first (%v); its deadline is half a timeout later", round, err)
		default:
		}
		if err := within(t, func() error { return <-second }); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("round %d: second waiter: %v, want a connect timeout", round, err)
		}
	}
	if s := p.Snapshot(); s.Timeouts != 4 || s.Waiting != 0 {
		t.Errorf("timeouts %d waiting %d, want 4 0", s.Timeouts, s.Waiting)
	}
}

func TestAcquireWithDoneContextFailsAtOnce(t *testing.T) {
	p := newTestPool(t, newMem(), testOptions())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire on a cancelled context: %v", err)
	}
	if s := p.Snapshot(); s.Cancellations != 1 || s.AcquireCount != 0 {
		t.Errorf("%+v", s)
	}
}

func TestDestroyReplacesTheConnection(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize = 1
	p := newTestPool(t, m, o)
	eventually(t, "warm-up", func() bool { return p.Snapshot().Idle == 1 })
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	broken := c.Value()
	c.Destroy()
	if !broken.closed.Load() {
		t.Error("Destroy did not close the connection")
	}
	eventually(t, "min size refilled", func() bool { return p.Snapshot().Idle == 1 })
	s := p.Snapshot()
	if s.Closed.Error != 1 || s.Created != 2 || s.Total != 1 {
		t.Errorf("after Destroy: %+v", s)
	}
}

func TestReturningTwicePanics(t *testing.T) {
	p := newTestPool(t, newMem(), testOptions())
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	for name, f := range map[string]func(){"Release": c.Release, "Destroy": c.Destroy} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("second %s did not panic", name)
				}
			}()
			f()
		}()
	}
}
