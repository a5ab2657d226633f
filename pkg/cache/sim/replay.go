package sim

import (
	"context"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
)

// Counts are the outcome of replaying a trace at one capacity.
type Counts struct {
	Hits, Misses, Sets, Evictions, Expirations int64
}

// ReplayCache replays keys through resync's cache (Get, and Set on a miss)
// with MaxItems = capacity and the given TTL (0: none), on a simulated clock that
// advances 1/rate seconds per request. The cache's own sweep is off: an
// expired entry is dropped when read, overwritten, or reached by LRU
// eviction, so the outcome depends on the trace alone.
func ReplayCache(ctx context.Context, keys []uint64, capacity int, ttl time.Duration, rate float64) (Counts, error) {
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if ttl <= 0 {
		ttl = 1 << 62 // no expiry
	}
	var i int
	step := time.Duration(float64(time.Second) / rate)
	c, err := cache.New(cache.Options[uint64, struct{}]{
		MaxItems:        capacity,
		MaxBytes:        1 << 62,
		TTL:             ttl,
		CleanupInterval: 1 << 62,
		Shards:          1,
		Clock:           func() time.Time { return epoch.Add(time.Duration(i) * step) },
	})
	if err != nil {
		return Counts{}, err
	}
	defer c.Close()
	for i = range keys {
		if cancelled(ctx, i) {
			return Counts{}, ctx.Err()
		}
		k := keys[i]
		if _, ok := c.Get(k); !ok {
			c.Set(k, struct{}{}, 0)
		}
	}
	st := c.Stats()
	return Counts{
		Hits: int64(st.Hits), Misses: int64(st.Misses), Sets: int64(st.Sets),
		Evictions: int64(st.Evictions), Expirations: int64(st.Expirations),
	}, nil
}
