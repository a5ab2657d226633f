package cache_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/resync-dev/resync/pkg/cache"
)

func TestGetOrLoadOneLoadForConcurrentCallers(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	var loads atomic.Int32
	release := make(chan struct{})
	loader := func(context.Context) (int, error) {
		loads.Add(1)
		<-release
		return 42, nil
	}
	const callers = 32
	var started, done sync.WaitGroup
	results := make([]int, callers)
	errs := make([]error, callers)
	for i := range callers {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			results[i], errs[i] = c.GetOrLoad(context.Background(), "k", loader)
		}()
	}
	started.Wait()
	close(release)
	done.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("loader ran %d times for %d concurrent callers, want 1", n, callers)
	}
	for i := range callers {
		if errs[i] != nil || results[i] != 42 {
			t.Fatalf("caller %d got %d, %v; want 42, nil", i, results[i], errs[i])
		}
	}
	if v, ok := c.Get("k"); !ok || v != 42 {
		t.Fatalf("loaded value not cached: %d, %v", v, ok)
	}
	// A cached key does not load again.
	if _, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (int, error) {
		t.Error("loader called for a cached key")
		return 0, nil
	}); err != nil {
		t.Fatal(err)
	}
}

// Callers that arrive while the load is running join it: the loader blocks
// until every caller has registered, so exactly one load is observed.
func TestGetOrLoadJoinsRunningLoad(t *testing.T) {
	c := newCache(t, cache.Options[int, string]{})
	var loads atomic.Int32
	inLoad := make(chan struct{})
	release := make(chan struct{})
	go func() {
		<-inLoad
		close(release)
	}()
	var wg sync.WaitGroup
	first := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, err := c.GetOrLoad(context.Background(), 7, func(context.Context) (string, error) {
			loads.Add(1)
			close(first)
			<-release
			return "seven", nil
		})
		if err != nil || v != "seven" {
			t.Errorf("first caller: %q, %v", v, err)
		}
	}()
	<-first
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.GetOrLoad(context.Background(), 7, func(context.Context) (string, error) {
				loads.Add(1)
				return "other", nil
			})
			if err != nil || v != "seven" {
				t.Errorf("joining caller: %q, %v", v, err)
			}
		}()
	}
	close(inLoad)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("%d loads, want 1", n)
	}
}

func TestGetOrLoadErrorNotCached(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	boom := errors.New("backend down")
	release := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Int32
	var calls atomic.Int32
	loader := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 0, boom
	}
	ready := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		close(ready)
		if _, err := c.GetOrLoad(context.Background(), "k", loader); errors.Is(err, boom) {
			failed.Add(1)
		}
	}()
	<-ready
	close(release)
	wg.Wait()
	if failed.Load() != 1 {
		t.Fatal("the load error was not returned")
	}
	if _, ok := c.Get("k"); ok {
		t.Fatal("a failed load was cached")
	}
	// The next call loads again, and succeeds.
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (int, error) { return 5, nil })
	if err != nil || v != 5 {
		t.Fatalf("retry: %d, %v", v, err)
	}
	if calls.Load() != 1 {
		t.Fatalf("failing loader ran %d times", calls.Load())
	}
}

func TestGetOrLoadErrorToAllWaiters(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	boom := errors.New("boom")
	release := make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	loader := func(context.Context) (int, error) {
		once.Do(func() { close(entered) })
		<-release
		return 0, boom
	}
	const n = 10
	errs := make(chan error, n)
	go func() { _, err := c.GetOrLoad(context.Background(), "k", loader); errs <- err }()
	<-entered
	var joined sync.WaitGroup
	for range n - 1 {
		joined.Add(1)
		go func() {
			joined.Done()
			_, err := c.GetOrLoad(context.Background(), "k", loader)
			errs <- err
		}()
	}
	joined.Wait()
	close(release)
	for range n {
		if err := <-errs; !errors.Is(err, boom) {
			t.Fatalf("waiter got %v, want the load's error", err)
		}
	}
}

func TestGetOrLoadAllWaitersGoneCancelsLoad(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	cancelled := make(chan struct{})
	entered := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-entered
		cancel()
	}()
	_, err := c.GetOrLoad(ctx, "k", func(ctx context.Context) (int, error) {
		close(entered)
		<-ctx.Done()
		close(cancelled)
		return 0, ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	<-cancelled // the loader saw its context end
}

func TestGetOrLoadPanic(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	_, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (int, error) { panic("kaboom") })
	if err == nil || !strings.Contains(err.Error(), "panicked: kaboom") {
		t.Fatalf("got %v, want the panic as an error", err)
	}
}

func TestCloseCancelsLoads(t *testing.T) {
	c, err := cache.New(cache.Options[string, int]{})
	if err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	res := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(context.Background(), "k", func(ctx context.Context) (int, error) {
			close(entered)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		res <- err
	}()
	<-entered
	c.Close() // cancels the loader's context and waits for it
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestGetOrLoadWriteDuringLoadWins: a Set or Delete of the key made while its
// load runs is newer than the loaded value, which still goes to the callers
// but is not stored over it; a write to another key changes nothing.
func TestGetOrLoadWriteDuringLoadWins(t *testing.T) {
	tests := []struct {
		name      string
		during    func(c *cache.Cache[string, string])
		wantValue string
		wantFound bool
	}{
		{"no write: the load stores", func(*cache.Cache[string, string]) {}, "loaded", true},
		{"Set wins", func(c *cache.Cache[string, string]) { c.Set("k", "set meanwhile", 0) }, "set meanwhile", true},
		{"Delete wins", func(c *cache.Cache[string, string]) { c.Set("k", "x", 0); c.Delete("k") }, "", false},
		{"Clear wins", func(c *cache.Cache[string, string]) { c.Clear() }, "", false},
		{"another key's Set does not count", func(c *cache.Cache[string, string]) { c.Set("other", "x", 0) }, "loaded", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCache(t, cache.Options[string, string]{})
			started, release := make(chan struct{}), make(chan struct{})
			got := make(chan string, 1)
			go func() {
				v, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (string, error) {
					close(started)
					<-release
					return "loaded", nil
				})
				if err != nil {
					t.Error(err)
				}
				got <- v
			}()
			<-started
			tt.during(c)
			close(release)
			if v := <-got; v != "loaded" {
				t.Errorf("the caller got %q, want the loaded value", v)
			}
			v, ok := c.Get("k")
			if v != tt.wantValue || ok != tt.wantFound {
				t.Errorf("cache holds %q, %v; want %q, %v", v, ok, tt.wantValue, tt.wantFound)
			}
		})
	}
}
