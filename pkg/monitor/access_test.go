package monitor

import (
	"sync"
	"testing"
	"time"
)

func TestRecordAccessConcurrent(t *testing.T) {
	c := newCacheMonitor("sessions")
	const goroutines, each = 8, 1000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				c.RecordAccess((g+i)%4 != 0, 100*time.Nanosecond)
			}
		})
	}
	wg.Wait()
	st := c.Stats()
	if st.Hits+st.Misses != goroutines*each || st.Misses != goroutines*each/4 {
		t.Fatalf("hits %d misses %d, want %d accesses of which %d misses", st.Hits, st.Misses, goroutines*each, goroutines*each/4)
	}
	if st.HitRate != 0.75 || st.AvgGetNs != 100 {
		t.Errorf("hit rate %v avg %v ns, want 0.75 and 100", st.HitRate, st.AvgGetNs)
	}
}

func BenchmarkRecordAccess(b *testing.B) {
	c := newCacheMonitor("bench")
	b.RunParallel(func(pb *testing.PB) {
		hit := false
		for pb.Next() {
			hit = !hit
			c.RecordAccess(hit, 50*time.Nanosecond)
		}
	})
}
