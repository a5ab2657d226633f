package workload

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/faultproxy"
)

// A target that dies mid-run (its connections cut, new ones refused) shows
// up as classified errors and the run still ends at its duration.
func TestTargetDiesMidRun(t *testing.T) {
	srv := newLimitedServer(t, 64, time.Millisecond)
	proxy, err := faultproxy.New(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	op := httpOp(t, "http://"+proxy.Addr()+"/")

	var calls atomic.Int64
	killed := make(chan struct{})
	killer := func(ctx context.Context) error {
		if calls.Add(1) == 100 {
			// Refuse first: a redial between the two would otherwise
			// get through and carry on unharmed.
			if err := proxy.RefuseNew(true); err != nil {
				t.Error(err)
			}
			proxy.CutAll()
			close(killed)
		}
		return op(ctx)
	}
	res := run(t, Options{Op: killer, Concurrency: 4, Duration: 400 * time.Millisecond, OpTimeout: time.Second})
	select {
	case <-killed:
	default:
		t.Fatal("the run ended before the target was killed")
	}
	if res.Succeeded < 90 {
		t.Errorf("succeeded %d, want the ~100 before the failure", res.Succeeded)
	}
	if res.Errors.Refused == 0 {
		t.Errorf("errors %+v: want refused connections after the kill", res.Errors)
	}
	if res.Errors.Other != 0 || res.Errors.Canceled != 0 {
		t.Errorf("errors %+v: unclassified or canceled errors, samples %v", res.Errors, res.ErrorSamples)
	}
	if res.Partial {
		t.Error("a failing target made the run partial")
	}
}

// A stalled target (accepting bytes, answering nothing) costs each
// operation its timeout, never a hang.
func TestStalledTargetTimesOut(t *testing.T) {
	srv := newLimitedServer(t, 64, 0)
	proxy, err := faultproxy.New(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Stall(true)
	res := run(t, Options{Op: httpOp(t, "http://"+proxy.Addr()+"/"), Concurrency: 2, Requests: 6,
		OpTimeout: 50 * time.Millisecond})
	if res.Errors.Timeout != 6 {
		t.Errorf("errors %+v, want 6 timeouts (samples %v)", res.Errors, res.ErrorSamples)
	}
	if err := proxy.Heal(); err != nil {
		t.Fatal(err)
	}
}
