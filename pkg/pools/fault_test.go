package pools

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
)

// faultTarget is one kind of server behind the fault proxy.
type faultTarget struct {
	name string
	url  func(t testing.TB) string
	// slow runs for ~10 s on the server unless interrupted.
	slow Operation
	// redials is true for HTTP, whose transport replaces a dead idle
	// connection by itself, so health checks do not see it broken.
	redials bool
}

func faultTargets(t *testing.T) []faultTarget {
	srv, _ := newHTTPServer(t, false)
	return []faultTarget{
		{name: "postgres", url: testenv.PostgresURL, slow: Operation{Query: "SELECT pg_sleep(10)"}},
		{name: "mysql", url: testenv.MySQLURL, slow: Operation{Query: "SELECT SLEEP(10)"}},
		{name: "redis", url: testenv.RedisURL, slow: Operation{Command: []string{"BLPOP", "resync:pools:fault:never", "10"}}},
		// A POST: a GET cut before the first byte of its response is sent
		// once more on a new connection, as net/http's Transport does
		// (TestHTTPServerClosedIdleConn), which would hide the cut here.
		{name: "http", url: func(testing.TB) string { return srv.URL }, slow: Operation{Method: "POST", Path: "/slow"}, redials: true},
	}
}

// faultOptions time out quickly and health-check often.
func faultOptions() Options {
	return Options{
		MinSize: 1, MaxSize: 2,
		ConnectTimeout: time.Second, IdleTimeout: time.Minute, MaxLifetime: time.Hour,
		HealthCheckInterval: 20 * time.Millisecond, OperationTimeout: 15 * time.Second,
	}
}

// recovers waits until Do succeeds again and the pool is back at MinSize.
func recovers(t *testing.T, r Runner, minSize int) {
	t.Helper()
	ctx := ctxT(t)
	eventually(t, "an operation to succeed after healing", func() bool { return r.Do(ctx) == nil })
	eventually(t, "min size refilled", func() bool { s := r.Snapshot(); return s.Total >= minSize && s.Reachable })
}

func TestFaultRefuseNewConnections(t *testing.T) {
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			if err := proxy.RefuseNew(true); err != nil {
				t.Fatal(err)
			}
			r := open(t, "target", raw, faultOptions(), Operation{})
			err := within(t, func() error { return r.Do(context.Background()) })
			if err == nil || !strings.Contains(err.Error(), "refused") {
				t.Fatalf("Do while refusing: %v, want connection refused", err)
			}
			s := r.Snapshot()
			if s.Errors.Dial < 1 || s.Reachable || s.Errors.Operation != 0 || s.Total > s.Constructing {
				t.Errorf("while refusing: %+v", s)
			}
			if err := proxy.Heal(); err != nil {
				t.Fatal(err)
			}
			recovers(t, r, 1)
		})
	}
}

func TestFaultCutMidOperation(t *testing.T) {
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			r := open(t, "target", raw, faultOptions(), ft.slow)
			slowBefore := slowRequests.Load()
			done := make(chan error, 1)
			go func() { done <- r.Do(context.Background()) }()
			eventually(t, "the operation to be running", func() bool {
				// An HTTP request is running once the server has it: cut
				// earlier, on an idle keep-alive connection before the
				// request is written, the Transport sends it again on a
				// new connection, which then runs to the deadline.
				return r.Snapshot().Active == 1 && (!ft.redials || slowRequests.Load() > slowBefore)
			})
			proxy.CutAll()
			err := within(t, func() error { return <-done })
			if err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Do cut mid-operation: %v, want a connection error (not a timeout)", err)
			}
			s := r.Snapshot()
			if s.Errors.Operation != 1 || s.Closed.Error != 1 {
				t.Errorf("after the cut: %+v; want 1 operation error and the connection destroyed", s)
			}
			if err := r.Ping(ctxT(t)); err != nil {
				t.Errorf("Ping after the cut: %v", err)
			}
			eventually(t, "min size refilled", func() bool { return r.Snapshot().Idle >= 1 })
		})
	}
}

func TestFaultCutIdleConnectionsAreHealthChecked(t *testing.T) {
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			o := faultOptions()
			o.MinSize = 2
			r := open(t, "target", raw, o, Operation{})
			eventually(t, "warm-up", func() bool { return r.Snapshot().Idle == 2 })
			accepted := proxy.Accepted()
			proxy.CutAll()
			if ft.redials {
				// The transport notices the dead connection and dials a new
				// one on the next request: seen in the reuse counters.
				eventually(t, "new connections after the cut", func() bool {
					return r.Do(ctxT(t)) == nil && proxy.Accepted() > accepted
				})
				return
			}
			eventually(t, "broken idle connections removed", func() bool {
				s := r.Snapshot()
				return s.Closed.Health >= 2 && s.Errors.HealthCheck >= 2
			})
			eventually(t, "replaced", func() bool { s := r.Snapshot(); return s.Idle == 2 && proxy.Accepted() >= accepted+2 })
			if s := r.Snapshot(); s.Errors.Operation != 0 || s.Errors.Dial != 0 {
				t.Errorf("only health checks should have failed: %+v", s.Errors)
			}
			recovers(t, r, 2)
		})
	}
}

func TestFaultStall(t *testing.T) {
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			o := faultOptions()
			o.MaxSize, o.OperationTimeout, o.HealthCheckInterval = 1, 300*time.Millisecond, time.Hour
			r := open(t, "target", raw, o, Operation{})
			eventually(t, "warm-up", func() bool { return r.Snapshot().Idle == 1 })
			proxy.Stall(true)
			// The stalled connection: the operation timeout ends it.
			err := within(t, func() error { return r.Do(context.Background()) })
			if err == nil {
				t.Fatal("Do through a stalled proxy succeeded")
			}
			s := r.Snapshot()
			if s.Errors.Operation != 1 || s.Closed.Error != 1 {
				t.Errorf("after a stalled operation: %+v", s)
			}
			// A new connection: its handshake stalls (databases, Redis) and
			// the connect timeout ends it, or its request stalls (HTTP).
			err = within(t, func() error { return r.Do(context.Background()) })
			if err == nil {
				t.Fatal("second Do through a stalled proxy succeeded")
			}
			// Whichever ends it (the replacement's dial timing out, handed to
			// this waiter, or the waiter's own connect timeout), it is
			// counted; so is the stalled dial once it gives up.
			eventually(t, "the stalled attempts to be counted", func() bool {
				s := r.Snapshot()
				counted := s.Errors.Dial+s.Errors.Operation+s.Timeouts >= 2
				if !ft.redials {
					counted = counted && s.Errors.Dial >= 1
				}
				return counted && !s.Reachable
			})
			if err := proxy.Heal(); err != nil {
				t.Fatal(err)
			}
			recovers(t, r, 1)
		})
	}
}

func TestFaultLatency(t *testing.T) {
	const delay = 20 * time.Millisecond
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			o := faultOptions()
			o.HealthCheckInterval = time.Hour
			r := open(t, "target", raw, o, Operation{})
			eventually(t, "warm-up", func() bool { return r.Snapshot().Idle == 1 })
			proxy.Latency(delay)
			ctx := ctxT(t)
			for range 3 {
				if err := r.Do(ctx); err != nil {
					t.Fatalf("Do with added latency: %v", err)
				}
			}
			// A lower bound: every request waited at least the delay.
			if s := r.Snapshot(); metricsEnabled && s.HoldMs.P50 < 0.99*float64(delay.Milliseconds()) || s.Operations != 3 {
				t.Errorf("hold %+v after 3 operations with %v latency", s.HoldMs, delay)
			}
		})
	}
}

// TestFaultAcquireNeverBlocksPastConnectTimeout: with the pool at max and
// every connection stuck, waiters give up at ConnectTimeout.
func TestFaultAcquireNeverBlocksPastConnectTimeout(t *testing.T) {
	for _, ft := range faultTargets(t) {
		t.Run(ft.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, ft.url(t))
			o := faultOptions()
			o.MaxSize, o.OperationTimeout = 1, 3*time.Second
			r := open(t, "target", raw, o, ft.slow)
			eventually(t, "warm-up", func() bool { return r.Snapshot().Idle == 1 })
			proxy.Stall(true)
			first := make(chan error, 1)
			go func() { first <- r.Do(context.Background()) }()
			eventually(t, "the connection to be held", func() bool { return r.Snapshot().Active == 1 })
			err := within(t, func() error { return r.Do(context.Background()) })
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "connect timeout") {
				t.Fatalf("Do with the pool exhausted: %v, want the connect timeout", err)
			}
			if s := r.Snapshot(); s.Timeouts != 1 || s.Exhaustions != 1 || s.PeakWaiting != 1 {
				t.Errorf("%+v", s)
			}
			if err := within(t, func() error { return <-first }); err == nil {
				t.Error("the stalled operation succeeded")
			}
			if err := proxy.Heal(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
