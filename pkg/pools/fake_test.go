package pools

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memConn is an in-memory connection for testing the pool's own logic;
// the connectors are tested against real servers elsewhere.
type memConn struct {
	id     int
	broken atomic.Bool
	closed atomic.Bool
}

// memConnector counts what the pool does with its connections and fails or
// blocks on command.
type memConnector struct {
	mu       sync.Mutex
	dialErr  error
	block    bool // Dial waits for its context
	next     int
	open     map[int]*memConn
	dials    int
	closes   int
	dialedCh chan struct{} // receives after each successful dial, if set
}

func newMem() *memConnector { return &memConnector{open: map[int]*memConn{}} }

func (m *memConnector) Dial(ctx context.Context) (*memConn, error) {
	m.mu.Lock()
	m.dials++
	err, block := m.dialErr, m.block
	m.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, fmt.Errorf("dial mem: %w", ctx.Err())
	}
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.next++
	c := &memConn{id: m.next}
	m.open[c.id] = c
	ch := m.dialedCh
	m.mu.Unlock()
	if ch != nil {
		ch <- struct{}{}
	}
	return c, nil
}

func (m *memConnector) Ping(ctx context.Context, c *memConn) error {
	if c.closed.Load() {
		return errors.New("ping on a closed connection")
	}
	if c.broken.Load() {
		return errors.New("mem connection broken")
	}
	return ctx.Err()
}

func (m *memConnector) Close(c *memConn) error {
	if c.closed.Swap(true) {
		return errors.New("closed twice")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.open, c.id)
	m.closes++
	return nil
}

func (m *memConnector) set(f func(m *memConnector)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f(m)
}

func (m *memConnector) openCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.open)
}

func (m *memConnector) breakAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.open {
		c.broken.Store(true)
	}
}

// hang bounds every wait in tests: reaching it means a hang, never slowness.
const hang = 20 * time.Second

// eventually polls cond until it holds, failing the test on a hang.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hang)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %v for: %s", hang, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// testOptions are quick settings for the pool's own tests.
func testOptions() Options {
	return Options{
		MinSize: 0, MaxSize: 4,
		ConnectTimeout: hang, IdleTimeout: time.Hour, MaxLifetime: time.Hour,
		HealthCheckInterval: time.Hour,
	}
}

func newTestPool(t *testing.T, m *memConnector, o Options) *Pool[*memConn] {
	t.Helper()
	p, err := New("test", "mem", Connector[*memConn](m), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// checkouts acquires and releases a connection n times in a row.
func checkouts(t *testing.T, p *Pool[*memConn], n int) {
	t.Helper()
	for range n {
		c, err := p.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c.Release()
	}
}

// within runs f and fails the test if it does not return before hang.
func within[T any](t *testing.T, f func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(hang):
		t.Fatalf("call still blocked after %v", hang)
		panic("unreachable")
	}
}

// recTracker records registrations like resources.Tracker would.
type recTracker struct {
	mu       sync.Mutex
	next     uint64
	live     map[uint64]string
	released int
	fail     bool
}

func (r *recTracker) Register(kind, owner string) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return 0, errors.New("tracker full")
	}
	r.next++
	r.live[r.next] = kind + "/" + owner
	return r.next, nil
}

func (r *recTracker) Release(id uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.live, id)
	r.released++
}
