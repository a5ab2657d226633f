package cache

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkStatsOverhead measures what the statistics cost a Get: the same
// read-heavy workload (zipf keys, 90 % reads) with the counters on (as
// shipped: Stats cannot be turned off) and off (an internal switch kept
// for this measurement only).
//
//	go test -run '^$' -bench StatsOverhead -cpu 1,2,8 ./pkg/cache
func BenchmarkStatsOverhead(b *testing.B) {
	const keys, capacity = 1 << 17, 100_000
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.01, 1, keys-1)
	trace := make([]int, 1<<20)
	for i := range trace {
		trace[i] = int(z.Uint64())
	}
	for _, mode := range []struct {
		name string
		off  bool
	}{{"stats=on", false}, {"stats=off", true}} {
		b.Run(mode.name, func(b *testing.B) {
			c, err := New(Options[int, int]{MaxItems: capacity})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			c.statsOff = mode.off
			for _, k := range trace {
				c.Set(k, k, 0)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := rand.IntN(len(trace))
				n := 0
				for pb.Next() {
					k := trace[i]
					if n%10 == 0 {
						c.Set(k, k, 0)
					} else {
						c.Get(k)
					}
					i = (i + 1) & (len(trace) - 1)
					n++
				}
			})
		})
	}
}
