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

// TestAbandonedLoadNeverOverwritesLaterSet races a load finishing against
// its only caller giving up: once GetOrLoad has returned the caller's error,
// a Set of the key must win over whatever the abandoned load does next.
func TestAbandonedLoadNeverOverwritesLaterSet(t *testing.T) {
	c, err := New(Options[string, string]{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	abandoned := 0
	for i := range 3000 {
		c.Delete("k")
		started, release := make(chan struct{}), make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := c.GetOrLoad(ctx, "k", func(context.Context) (string, error) {
				close(started)
				<-release
				return "loaded", nil
			})
			done <- err
		}()
		<-started
		go cancel()
		close(release)
		if err := <-done; err == nil {
			cancel()
			continue // the load finished first: nothing abandoned
		}
		abandoned++
		c.Set("k", "set", 0)
		c.loads.Wait() // the abandoned loader has stored, or not
		if v, _ := c.Get("k"); v != "set" {
			t.Fatalf("iteration %d: cache holds %q after the caller gave up and a Set followed; want %q", i, v, "set")
		}
	}
	t.Logf("%d of 3000 loads abandoned", abandoned)
}

// TestGetOrLoadAfterInvalidationStartsAfresh: a GetOrLoad that comes after a
// Delete, Set or Clear of the key does not join the load that read the old
// value; the caller that was already waiting still gets that load's value.
func TestGetOrLoadAfterInvalidationStartsAfresh(t *testing.T) {
	tests := []struct {
		name       string
		invalidate func(c *Cache[string, string])
	}{
		{"Delete", func(c *Cache[string, string]) { c.Delete("k") }},
		{"Set", func(c *Cache[string, string]) { c.Set("k", "set", 0); c.Delete("k") }},
		{"Clear", func(c *Cache[string, string]) { c.Clear() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Options[string, string]{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var source atomic.Value
			source.Store("old")
			read, release := make(chan struct{}), make(chan struct{})
			first := make(chan string, 1)
			go func() {
				v, _ := c.GetOrLoad(context.Background(), "k", func(context.Context) (string, error) {
					v := source.Load().(string)
					close(read)
					<-release
					return v, nil
				})
				first <- v
			}()
			<-read // the first load has read the old value
			source.Store("new")
			tt.invalidate(c)
			v, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (string, error) {
				return source.Load().(string), nil
			})
			close(release)
			if err != nil || v != "new" {
				t.Errorf("GetOrLoad after %s = %q, %v; want %q from a new load", tt.name, v, err, "new")
			}
			if v := <-first; v != "old" {
				t.Errorf("the caller already waiting got %q, want its load's %q", v, "old")
			}
			c.loads.Wait()
			if v, _ := c.Get("k"); v != "new" {
				t.Errorf("cache holds %q, want %q", v, "new")
			}
		})
	}
}
