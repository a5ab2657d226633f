package cache

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
)

// waitWaiters blocks until n callers wait for key's load.
func waitWaiters[K comparable, V any](c *Cache[K, V], key K, n int) {
	s := c.shardOf(c.hasher.hash(key))
	for {
		s.loadMu.Lock()
		cl := s.loads[key]
		got := 0
		if cl != nil {
			got = cl.waiters
		}
		s.loadMu.Unlock()
		if got >= n {
			return
		}
		runtime.Gosched()
	}
}

func TestGetOrLoadCancelOneWaiter(t *testing.T) {
	c, err := New(Options[string, int]{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	release := make(chan struct{})
	var calls atomic.Int32
	var loadCtxErr atomic.Value
	loader := func(ctx context.Context) (int, error) {
		calls.Add(1)
		<-release
		if err := ctx.Err(); err != nil {
			loadCtxErr.Store(err)
		}
		return 9, nil
	}
	ctx1, cancel1 := context.WithCancel(context.Background())
	got1 := make(chan error, 1)
	go func() { _, err := c.GetOrLoad(ctx1, "k", loader); got1 <- err }()
	waitWaiters(c, "k", 1)
	got2 := make(chan int, 1)
	go func() {
		v, _ := c.GetOrLoad(context.Background(), "k", loader)
		got2 <- v
	}()
	waitWaiters(c, "k", 2)
	cancel1() // the first caller gives up; the load goes on for the other
	if err := <-got1; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	if v := <-got2; v != 9 {
		t.Fatalf("second caller got %d, want 9", v)
	}
	if err := loadCtxErr.Load(); err != nil {
		t.Fatalf("the load's context was cancelled (%v) though a caller still waited", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("loader ran %d times, want 1", n)
	}
}
