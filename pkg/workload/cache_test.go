package workload

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
)

func TestReadThroughCache(t *testing.T) {
	tests := []struct {
		dist    KeyDist
		minRate float64 // the hit rate must reach at least this
	}{
		// 20,000 requests over 1,000 keys with an unbounded cache: every key
		// misses at most about once per worker race, so hits dominate.
		{KeyDist{Kind: DistUniform}, 0.9},
		{KeyDist{Kind: DistZipf, S: 1.01}, 0.9},
		{KeyDist{Kind: DistHotset}, 0.9},
	}
	for _, tt := range tests {
		t.Run(tt.dist.Kind, func(t *testing.T) {
			var calls atomic.Int64
			c := newMapCache()
			res := run(t, Options{Op: countingOp(&calls, 0), Concurrency: 4, Requests: 20_000,
				Cache: c, Keys: 1000, KeyDist: tt.dist})
			cr := res.Cache
			if cr == nil {
				t.Fatal("no cache result")
			}
			if cr.Hits+cr.Misses != res.Operations {
				t.Errorf("hits %d + misses %d ≠ operations %d", cr.Hits, cr.Misses, res.Operations)
			}
			// A hit skips the operation: Op ran once per miss.
			if int64(cr.Misses) != calls.Load() {
				t.Errorf("op ran %d times for %d misses", calls.Load(), cr.Misses)
			}
			if cr.HitRate < tt.minRate {
				t.Errorf("hit rate %.3f, want ≥ %.2f", cr.HitRate, tt.minRate)
			}
			if cr.Stats.Hits != cr.Hits || cr.Stats.Items == 0 || cr.Stats.Items > 1000 {
				t.Errorf("cache stats %+v do not match the run (hits %d)", cr.Stats, cr.Hits)
			}
		})
	}
}

func TestReadThroughCacheFillsOnlyOnSuccess(t *testing.T) {
	c := newMapCache()
	fail := errors.New("Error 1040 (08004): Too many connections")
	res := run(t, Options{Op: func(context.Context) error { return fail }, Concurrency: 2, Requests: 300,
		Cache: c, Keys: 10})
	if res.Cache.Hits != 0 || c.Stats().Items != 0 {
		t.Errorf("failed operations filled the cache: hits %d items %d", res.Cache.Hits, c.Stats().Items)
	}
	if res.Errors.Server != 300 {
		t.Errorf("errors %+v, want 300 server errors", res.Errors)
	}
}

// Through the real cache with room for a tenth of the keys: a skewed
// distribution hits far more often than a uniform one, and every miss ran
// the operation.
func TestReadThroughRealCache(t *testing.T) {
	hitRate := map[string]float64{}
	for _, kind := range []string{DistUniform, DistZipf} {
		c, err := cache.New[uint64, struct{}](cache.Options[uint64, struct{}]{MaxItems: 100, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int64
		res := run(t, Options{Op: countingOp(&calls, 0), Concurrency: 2, Requests: 20_000,
			Cache: CacheOf(c, struct{}{}), Keys: 1000, KeyDist: KeyDist{Kind: kind, S: 1.2}})
		_ = c.Close()
		cr := res.Cache
		if int64(cr.Misses) != calls.Load() || cr.Hits+cr.Misses != res.Operations {
			t.Errorf("%s: hits %d misses %d calls %d operations %d", kind, cr.Hits, cr.Misses, calls.Load(), res.Operations)
		}
		if cr.Stats.Items > 100 || cr.Stats.Evictions == 0 {
			t.Errorf("%s: cache stats %+v: want ≤ 100 items and evictions", kind, cr.Stats)
		}
		hitRate[kind] = cr.HitRate
	}
	// Uniform over 1000 keys with 100 cached: about 10 %.
	if u := hitRate[DistUniform]; u < 0.05 || u > 0.15 {
		t.Errorf("uniform hit rate %.3f, want ≈ 0.10", u)
	}
	if hitRate[DistZipf] < 2*hitRate[DistUniform] {
		t.Errorf("zipf hit rate %.3f not well above uniform %.3f", hitRate[DistZipf], hitRate[DistUniform])
	}
}
