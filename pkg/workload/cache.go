package workload

import "github.com/resync-dev/resync/pkg/cache"

// Cache is the read-through cache the cache mode puts in front of Op. It is
// keyed by the workload's integer keys; CacheOf adapts a *cache.Cache.
type Cache interface {
	// Lookup reports whether key is cached (a hit).
	Lookup(key uint64) bool
	// Fill stores key after a miss whose operation succeeded.
	Fill(key uint64)
	// Stats is the cache's own snapshot, carried into the Result.
	Stats() cache.Stats
}

// CacheOf adapts c to Cache: a lookup is c.Get and a fill stores value under
// the key with the cache's default TTL.
func CacheOf[V any](c *cache.Cache[uint64, V], value V) Cache {
	return cacheAdapter[V]{c: c, v: value}
}

type cacheAdapter[V any] struct {
	c *cache.Cache[uint64, V]
	v V
}

func (a cacheAdapter[V]) Lookup(key uint64) bool {
	_, ok := a.c.Get(key)
	return ok
}

func (a cacheAdapter[V]) Fill(key uint64)    { a.c.Set(key, a.v, 0) }
func (a cacheAdapter[V]) Stats() cache.Stats { return a.c.Stats() }
