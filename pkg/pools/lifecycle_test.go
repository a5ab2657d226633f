package pools

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

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
