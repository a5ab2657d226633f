package bench

import (
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/maypok86/otter/v2"

	"github.com/resync-dev/resync/pkg/cache"
)

// cacheBenchTTL is given to every cache that supports one, so all of them do
// the same work: a bounded size and a per-entry deadline.
const cacheBenchTTL = time.Hour

// cacheImpl is what the benchmarks drive; one adapter per implementation.
type cacheImpl interface {
	Get(k int) (int, bool)
	Set(k, v int)
	Close()
}

type cachePeer struct {
	name string
	new  func(capacity int) cacheImpl
}

// cachePeers are the implementations compared side by side, ours first.
var cachePeers = []cachePeer{
	{"resync", newResyncCache},
	{"otter", newOtterCache},
	{"otter-nottl", newOtterNoTTLCache},
	{"ristretto", newRistrettoCache},
	{"lru-expirable", newLRUCache},
}

type resyncCacheAdapter struct{ c *cache.Cache[int, int] }

func newResyncCache(capacity int) cacheImpl {
	c, err := cache.New(cache.Options[int, int]{MaxItems: capacity, MaxBytes: 1 << 40, TTL: cacheBenchTTL})
	if err != nil {
		panic(err)
	}
	return resyncCacheAdapter{c}
}
func (r resyncCacheAdapter) Get(k int) (int, bool) { return r.c.Get(k) }
func (r resyncCacheAdapter) Set(k, v int)          { r.c.Set(k, v, 0) }
func (r resyncCacheAdapter) Close()                { r.c.Close() }

type otterCacheAdapter struct{ c *otter.Cache[int, int] }

func newOtterCache(capacity int) cacheImpl {
	return otterCacheAdapter{otter.Must(&otter.Options[int, int]{
		MaximumSize:      capacity,
		ExpiryCalculator: otter.ExpiryWriting[int, int](cacheBenchTTL),
	})}
}

// newOtterNoTTLCache is otter at its fastest: size bound only, no deadlines.
func newOtterNoTTLCache(capacity int) cacheImpl {
	return otterCacheAdapter{otter.Must(&otter.Options[int, int]{MaximumSize: capacity})}
}
func (o otterCacheAdapter) Get(k int) (int, bool) { return o.c.GetIfPresent(k) }
func (o otterCacheAdapter) Set(k, v int)          { o.c.Set(k, v) }
func (o otterCacheAdapter) Close()                { o.c.InvalidateAll(); o.c.CleanUp() }

type ristrettoCacheAdapter struct{ c *ristretto.Cache[int, int] }

func newRistrettoCache(capacity int) cacheImpl {
	c, err := ristretto.NewCache(&ristretto.Config[int, int]{
		NumCounters: int64(capacity) * 10,
		MaxCost:     int64(capacity),
		BufferItems: 64,
	})
	if err != nil {
		panic(err)
	}
	return ristrettoCacheAdapter{c}
}
func (r ristrettoCacheAdapter) Get(k int) (int, bool) { return r.c.Get(k) }
func (r ristrettoCacheAdapter) Set(k, v int)          { r.c.SetWithTTL(k, v, 1, cacheBenchTTL) }
func (r ristrettoCacheAdapter) Close()                { r.c.Close() }

type lruCacheAdapter struct{ c *expirable.LRU[int, int] }

func newLRUCache(capacity int) cacheImpl {
	return lruCacheAdapter{expirable.NewLRU[int, int](capacity, nil, cacheBenchTTL)}
}
func (l lruCacheAdapter) Get(k int) (int, bool) { return l.c.Get(k) }
func (l lruCacheAdapter) Set(k, v int)          { l.c.Add(k, v) }
func (l lruCacheAdapter) Close()                { l.c.Purge() }
