package pools

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/config"
)

func TestNewRejectsBadOptions(t *testing.T) {
	valid := testOptions()
	tests := []struct {
		name   string
		change func(o *Options)
		want   string // in the error; "" = valid
	}{
		{"valid", func(o *Options) {}, ""},
		{"min zero is allowed", func(o *Options) { o.MinSize = 0 }, ""},
		{"min equals max", func(o *Options) { o.MinSize = o.MaxSize }, ""},
		{"min above max", func(o *Options) { o.MinSize, o.MaxSize = 5, 2 }, "min size 5 is larger than max size 2"},
		{"max zero", func(o *Options) { o.MaxSize = 0 }, "max size 0: must be at least 1"},
		{"max negative", func(o *Options) { o.MaxSize = -3 }, "max size -3"},
		{"min negative", func(o *Options) { o.MinSize = -1 }, "min size -1: must be 0 or more"},
		{"connect timeout zero", func(o *Options) { o.ConnectTimeout = 0 }, "connect timeout 0s: must be positive"},
		{"connect timeout negative", func(o *Options) { o.ConnectTimeout = -time.Second }, "connect timeout -1s"},
		{"idle timeout zero", func(o *Options) { o.IdleTimeout = 0 }, "idle timeout 0s"},
		{"max lifetime negative", func(o *Options) { o.MaxLifetime = -time.Minute }, "max lifetime -1m0s"},
		{"health interval zero", func(o *Options) { o.HealthCheckInterval = 0 }, "health check interval 0s"},
		{"operation timeout negative", func(o *Options) { o.OperationTimeout = -1 }, "operation timeout"},
		{"several at once", func(o *Options) { o.MaxSize, o.IdleTimeout = 0, 0 }, "idle timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.change(&o)
			p, err := New("db", "mem", Connector[*memConn](newMem()), o)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				_ = p.Close(context.Background())
				return
			}
			if err == nil {
				_ = p.Close(context.Background())
				t.Fatalf("New accepted %+v", o)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "pool db") {
				t.Errorf("error %q does not name the pool and contain %q", err, tt.want)
			}
		})
	}
	if _, err := New[*memConn]("db", "mem", nil, valid); err == nil {
		t.Error("New with a nil connector: want an error")
	}
}

func TestOptionsFrom(t *testing.T) {
	d := config.Defaults()
	o := OptionsFrom(d.Pools.Redis)
	want := Options{MinSize: 5, MaxSize: 20, ConnectTimeout: 30 * time.Second, IdleTimeout: 300 * time.Second,
		MaxLifetime: 1800 * time.Second, HealthCheckInterval: 60 * time.Second}
	if o.MinSize != want.MinSize || o.MaxSize != want.MaxSize || o.ConnectTimeout != want.ConnectTimeout ||
		o.IdleTimeout != want.IdleTimeout || o.MaxLifetime != want.MaxLifetime || o.HealthCheckInterval != want.HealthCheckInterval {
		t.Errorf("OptionsFrom(redis defaults) = %+v, want %+v", o, want)
	}
	if err := o.validate(); err != nil {
		t.Errorf("spec defaults do not validate: %v", err)
	}
}

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

func TestDialErrorsFailFastAndAreRedacted(t *testing.T) {
	m := newMem()
	m.dialErr = errors.New("dial tcp postgres://app:hunter2@db:5432/app: connection refused")
	o := testOptions()
	o.MaxSize = 2
	p := newTestPool(t, m, o)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, err := p.Acquire(context.Background())
			if err == nil || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("Acquire: %v, want the dial error", err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
	within(t, func() struct{} { wg.Wait(); return struct{}{} })
	s := p.Snapshot()
	if s.Errors.Dial < 4 || s.Reachable || s.Total != 0 || s.Waiting != 0 {
		t.Errorf("after failed dials: %+v", s)
	}
	if strings.Contains(s.LastError, "hunter2") || !strings.Contains(s.LastError, "app:***@db") {
		t.Errorf("LastError %q is not redacted", s.LastError)
	}
	// The target comes back: the pool works again.
	m.set(func(m *memConnector) { m.dialErr = nil })
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	c.Release()
	if !p.Snapshot().Reachable {
		t.Error("not reachable after a successful dial")
	}
}

func TestHangingDialIsBoundedByConnectTimeout(t *testing.T) {
	m := newMem()
	m.block = true
	o := testOptions()
	o.ConnectTimeout = 30 * time.Millisecond
	p := newTestPool(t, m, o)
	err := within(t, func() error { _, err := p.Acquire(context.Background()); return err })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire with a hanging dial: %v, want a deadline error", err)
	}
	eventually(t, "the dial error to be counted", func() bool { return p.Snapshot().Errors.Dial == 1 })
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

func TestIdleTimeoutShrinksToMin(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize, o.MaxSize, o.IdleTimeout = 1, 3, 20*time.Millisecond
	p := newTestPool(t, m, o)
	var held []*Conn[*memConn]
	for range 3 {
		c, err := p.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
	eventually(t, "shrink to min size", func() bool { s := p.Snapshot(); return s.Total == 1 && s.Closed.Idle == 2 })
	if n := m.openCount(); n != 1 {
		t.Errorf("connector has %d open connections, want 1", n)
	}
}

func TestMaxLifetimeRecyclesAndRefills(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize, o.MaxLifetime = 2, 20*time.Millisecond
	p := newTestPool(t, m, o)
	eventually(t, "two connections past their lifetime replaced", func() bool {
		s := p.Snapshot()
		return s.Closed.Lifetime >= 2 && s.Created >= 4 && s.Total == 2
	})
	// A connection released after its lifetime is closed, not kept.
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v := c.Value()
	eventually(t, "lifetime to pass", func() bool { return mono() >= c.expiresAt })
	c.Release()
	if !v.closed.Load() {
		t.Error("an expired connection went back to the pool")
	}
}

func TestHealthChecksRemoveBrokenIdleConnections(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize, o.HealthCheckInterval = 2, 10*time.Millisecond
	p := newTestPool(t, m, o)
	eventually(t, "warm-up", func() bool { return p.Snapshot().Idle == 2 })
	m.breakAll()
	eventually(t, "broken connections replaced", func() bool {
		s := p.Snapshot()
		return s.Closed.Health >= 2 && s.Errors.HealthCheck >= 2 && s.Idle == 2 && s.Total == 2
	})
	if s := p.Snapshot(); !strings.Contains(s.LastError, "health check") {
		t.Errorf("LastError %q does not mention the health check", s.LastError)
	}
	eventually(t, "reachable again after a clean round", func() bool { return p.Snapshot().Reachable })
}

func TestCloseWaitsForConnectionsInUse(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MinSize = 2
	p, err := New("test", "mem", Connector[*memConn](m), o)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "warm-up", func() bool { return p.Snapshot().Idle == 2 })
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var released atomic.Bool
	done := make(chan error, 1)
	go func() { done <- p.Close(context.Background()) }()
	eventually(t, "idle connections closed", func() bool { return m.openCount() == 1 })
	released.Store(true)
	c.Release()
	if err := within(t, func() error { return <-done }); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !released.Load() {
		t.Fatal("Close returned before the connection in use came back")
	}
	s := p.Snapshot()
	if s.Closed.Shutdown != 2 || s.Total != 0 || m.openCount() != 0 {
		t.Errorf("after Close: %+v, %d open", s, m.openCount())
	}
	if _, err := p.Acquire(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Acquire after Close: %v, want ErrClosed", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCloseDeadlineWithConnectionsInUse(t *testing.T) {
	m := newMem()
	p, err := New("test", "mem", Connector[*memConn](m), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = within(t, func() error { return p.Close(ctx) })
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "1 connection(s) still in use") {
		t.Fatalf("Close with a connection in use past the deadline: %v", err)
	}
	c.Release()
	if !c.Value().closed.Load() || p.Snapshot().Closed.Shutdown != 1 {
		t.Error("a connection released after Close was not closed")
	}
}

func TestCloseFailsWaiters(t *testing.T) {
	m := newMem()
	o := testOptions()
	o.MaxSize = 1
	p, err := New("test", "mem", Connector[*memConn](m), o)
	if err != nil {
		t.Fatal(err)
	}
	held, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := p.Acquire(context.Background()); errc <- err }()
	eventually(t, "a waiter", func() bool { return p.Snapshot().Waiting == 1 })
	closed := make(chan error, 1)
	go func() { closed <- p.Close(context.Background()) }()
	if err := within(t, func() error { return <-errc }); !errors.Is(err, ErrClosed) {
		t.Errorf("waiter got %v, want ErrClosed", err)
	}
	held.Release()
	if err := within(t, func() error { return <-closed }); err != nil {
		t.Error(err)
	}
}

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
