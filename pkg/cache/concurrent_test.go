package cache_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
)

// TestConcurrentMixedOps hammers one cache from many goroutines with every
// operation (run it with -race). Afterwards the bounds hold, every value
// read belonged to its key, and the counters add up.
func TestConcurrentMixedOps(t *testing.T) {
	const (
		workers  = 8
		ops      = 20_000
		keySpace = 2_000
		maxItems = 500
	)
	var evicted atomic.Int64
	c := newCache(t, cache.Options[int, string]{
		MaxItems: maxItems, Shards: 4, TTL: time.Hour, CleanupInterval: time.Millisecond,
		OnEvict: func(k int, v string, r cache.EvictReason) {
			if v != value(k) {
				t.Errorf("OnEvict(%d) with value %q of another key", k, v)
			}
			evicted.Add(1)
		},
	})
	var wg sync.WaitGroup
	var sets, bad atomic.Int64
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for range ops {
				k := int(r.Int64N(keySpace))
				switch op := r.IntN(100); {
				case op < 60:
					if v, ok := c.Get(k); ok && v != value(k) {
						bad.Add(1)
					}
				case op < 85:
					c.Set(k, value(k), time.Duration(r.IntN(3))*time.Hour)
					sets.Add(1)
				case op < 92:
					c.Delete(k)
				case op < 97:
					v, err := c.GetOrLoad(context.Background(), k, func(context.Context) (string, error) { return value(k), nil })
					if err != nil || v != value(k) {
						bad.Add(1)
					}
				case op < 98:
					_ = c.Stats()
					_ = c.Len()
				default:
					if r.IntN(50) == 0 {
						c.Clear()
					}
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d reads returned a value of another key", bad.Load())
	}
	// A last write from this goroutine applies anything still queued.
	c.Set(-1, value(-1), 0)
	st := c.Stats()
	if st.Items > maxItems || c.Len() > maxItems {
		t.Fatalf("%d items (Len %d) over the bound %d", st.Items, c.Len(), maxItems)
	}
	if st.Hits+st.Misses == 0 || st.Sets == 0 {
		t.Fatalf("counters did not move: %+v", st)
	}
	if st.HitRate+st.MissRate < 0.999 || st.HitRate+st.MissRate > 1.001 {
		t.Fatalf("hit rate %v + miss rate %v ≠ 1", st.HitRate, st.MissRate)
	}
}

func value(k int) string {
	return "v" + string(rune('a'+k%26)) + string(rune('a'+k/26%26)) + string(rune('a'+k/676%26))
}
