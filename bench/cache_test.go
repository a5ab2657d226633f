package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
)

// Side-by-side cache benchmarks (see README.md, "Cache"):
//
//	go test -run '^$' -bench 'Cache(Zipf|Size)' -benchtime 3000000x -cpu 2,8 -count 5 .
//	go test -run '^$' -bench CacheMemory -benchtime 3x -count 5 .
//
// Sub-benchmarks are named key=value, so benchstat -col /impl puts the
// implementations side by side. A fixed -benchtime (iterations) avoids
// refilling the cache for each calibration round.
const (
	cacheBenchCapacity = 100_000
	cacheZipfS         = 1.01
	cacheTraceLen      = 1 << 20 // precomputed keys each goroutine walks from a random offset
)

var cacheTraces = map[int][]int{}

// cacheZipfTrace is a fixed zipf(s=1.01) key sequence over keySpace keys, the
// same for every implementation.
func cacheZipfTrace(keySpace int) []int {
	if t, ok := cacheTraces[keySpace]; ok {
		return t
	}
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, cacheZipfS, 1, uint64(keySpace-1))
	t := make([]int, cacheTraceLen)
	for i := range t {
		t[i] = int(z.Uint64())
	}
	cacheTraces[keySpace] = t
	return t
}

var cacheOffsets atomic.Uint64

// BenchmarkCacheZipf: zipf keys over 100k and 1M key spaces, capacity
// 100k, 100 % reads and 75 % reads / 25 % writes. The cache is first
// filled by writing the trace once, so reads hit what a real workload
// would have kept.
func BenchmarkCacheZipf(b *testing.B) {
	for _, keys := range []int{100_000, 1_000_000} {
		trace := cacheZipfTrace(keys)
		for _, mix := range []struct {
			name       string
			writeEvery int // 0: reads only; 4: one op in 4 is a Set
		}{{"reads=100%", 0}, {"reads=75%", 4}} {
			for _, p := range cachePeers {
				b.Run(fmt.Sprintf("keys=%d/%s/impl=%s", keys, mix.name, p.name), func(b *testing.B) {
					c := p.new(cacheBenchCapacity)
					defer c.Close()
					for _, k := range trace {
						c.Set(k, k)
					}
					runtime.GC() // the fill's garbage is not the benchmark's
					b.ReportAllocs()
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						i := int(cacheOffsets.Add(7919)*104729) & (cacheTraceLen - 1)
						n := 0
						for pb.Next() {
							k := trace[i]
							if mix.writeEvery != 0 && n%mix.writeEvery == 0 {
								c.Set(k, k)
							} else {
								c.Get(k)
							}
							i = (i + 1) & (cacheTraceLen - 1)
							n++
						}
					})
				})
			}
		}
	}
}

// BenchmarkCacheMemory reports the heap bytes per entry with 100k int
// keys and values (heap after a GC, with the cache full, minus before).
func BenchmarkCacheMemory(b *testing.B) {
	const entries = 100_000
	for _, p := range cachePeers {
		b.Run("impl="+p.name, func(b *testing.B) {
			var perEntry float64
			for range b.N {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				c := p.new(entries)
				for k := range entries {
					c.Set(k, k)
				}
				if r, ok := c.(ristrettoCacheAdapter); ok {
					r.c.Wait()
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perEntry += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / entries
				runtime.KeepAlive(c)
				c.Close()
			}
			b.ReportMetric(perEntry/float64(b.N), "B/entry")
		})
	}
}

// BenchmarkCacheSize: throughput at 10k, 100k and 1M entries (capacity =
// entries, uniform keys over them, so every read hits), for reads only and
// a 75/25 mix; flat is the goal.
func BenchmarkCacheSize(b *testing.B) {
	for _, size := range []int{10_000, 100_000, 1_000_000} {
		r := rand.New(rand.NewPCG(3, 4))
		trace := make([]int, cacheTraceLen)
		for i := range trace {
			trace[i] = r.IntN(size)
		}
		for _, mix := range []struct {
			name       string
			writeEvery int
		}{{"reads=100%", 0}, {"reads=75%", 4}} {
			for _, p := range []cachePeer{cachePeers[0], cachePeers[1]} {
				b.Run(fmt.Sprintf("entries=%d/%s/impl=%s", size, mix.name, p.name), func(b *testing.B) {
					c := p.new(size)
					defer c.Close()
					for k := range size {
						c.Set(k, k)
					}
					runtime.GC()
					b.ReportAllocs()
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						i := int(cacheOffsets.Add(7919)*104729) & (cacheTraceLen - 1)
						n := 0
						for pb.Next() {
							k := trace[i]
							if mix.writeEvery != 0 && n%mix.writeEvery == 0 {
								c.Set(k, k)
							} else {
								c.Get(k)
							}
							i = (i + 1) & (cacheTraceLen - 1)
							n++
						}
					})
				})
			}
		}
	}
}
