package monitor

import (
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
)

// CacheMonitor counts the accesses of a cache resync does not own (the
// spec's record_access). It is safe for concurrent use: counters are
// striped over cache lines and a caller picks a stripe at random, so
// goroutines on different cores rarely share a line.
type CacheMonitor struct {
	name    string
	stripes []accessStripe
	mask    uint32
}

// accessStripe is one cache line of counters.
type accessStripe struct {
	hits   atomic.Uint64
	misses atomic.Uint64
	nanos  atomic.Int64
	_      [64 - 24]byte
}

func newCacheMonitor(name string) *CacheMonitor {
	n := 1 << bits.Len(uint(4*runtime.GOMAXPROCS(0)-1)) // a power of two ≥ 4 × procs
	return &CacheMonitor{name: name, stripes: make([]accessStripe, n), mask: uint32(n - 1)}
}

// Name is the cache's name in the report.
func (c *CacheMonitor) Name() string { return c.name }

// RecordAccess counts one lookup: hit tells whether it found a live entry,
// d is how long it took (zero when not measured; the report's
// avg_access_ns is then the mean of the non-zero ones' sum over all).
func (c *CacheMonitor) RecordAccess(hit bool, d time.Duration) {
	s := &c.stripes[rand.Uint32()&c.mask]
	if hit {
		s.hits.Add(1)
	} else {
		s.misses.Add(1)
	}
	if d > 0 {
		s.nanos.Add(int64(d))
	}
}

// Stats sums the stripes. Only hits, misses and the access time are known
// for a cache the monitor does not own; sizes and evictions stay zero.
func (c *CacheMonitor) Stats() cache.Stats {
	var hits, misses uint64
	var nanos int64
	for i := range c.stripes {
		s := &c.stripes[i]
		hits += s.hits.Load()
		misses += s.misses.Load()
		nanos += s.nanos.Load()
	}
	st := cache.Stats{Hits: hits, Misses: misses}
	if n := hits + misses; n > 0 {
		st.HitRate = float64(hits) / float64(n)
		st.MissRate = float64(misses) / float64(n)
		st.AvgGetNs = float64(nanos) / float64(n)
	}
	return st
}
