package resources_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

// BenchmarkRegisterRelease is one Register and one Release per op, from
// one goroutine.
func BenchmarkRegisterRelease(b *testing.B) {
	tr := resources.New(resources.Options{})
	b.ReportAllocs()
	for b.Loop() {
		id, _ := tr.Register("postgres", "pool")
		tr.Release(id)
	}
}

// BenchmarkRegisterReleaseParallel is the pool's hot path: every goroutine
// registers and releases, as checked-out connections do (goal ≤ 150 ns/op).
// "empty" has nothing else tracked, so every change reaches the shared peak
// estimate at once (the exact mode of small populations); "10k-active" has
// 10,000 resources held throughout, as a busy process would.
func BenchmarkRegisterReleaseParallel(b *testing.B) {
	for _, o := range []struct {
		name string
		held int
		opts resources.Options
	}{
		{"empty", 0, resources.Options{}},
		{"10k-active", 10_000, resources.Options{}},
		{"10k-active/limit", 10_000, resources.Options{MaxResources: 1 << 30}},
		{"10k-active/stacks", 10_000, resources.Options{CaptureStacks: true}},
	} {
		b.Run(o.name, func(b *testing.B) {
			tr := resources.New(o.opts)
			for i := 0; i < o.held; i++ {
				_, _ = tr.Register("postgres", "held")
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id, _ := tr.Register("postgres", "pool")
					tr.Release(id)
				}
			})
		})
	}
}

// BenchmarkDetectLeaks scans 1 million tracked resources (goal ≤ 100 ms),
// with none, 1 % and 10 % of them past the threshold.
func BenchmarkDetectLeaks(b *testing.B) {
	const total = 1_000_000
	for _, leaked := range []int{0, total / 100, total / 10} {
		b.Run(fmt.Sprintf("1M/leaked=%d", leaked), func(b *testing.B) {
			clk := newFakeClock()
			tr := resources.New(resources.Options{Clock: clk.Now})
			for i := 0; i < leaked; i++ {
				_, _ = tr.Register("postgres", "leaky")
			}
			clk.Advance(2 * time.Hour)
			for i := leaked; i < total; i++ {
				_, _ = tr.Register("postgres", "pool")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if got := len(tr.DetectLeaks(time.Hour)); got != leaked {
					b.Fatalf("found %d leaks, want %d", got, leaked)
				}
			}
		})
	}
}

// BenchmarkBytesPerResource reports the heap growth per tracked resource
// (goal ≤ 100 B with stacks off).
func BenchmarkBytesPerResource(b *testing.B) {
	for _, stacks := range []bool{false, true} {
		b.Run(fmt.Sprintf("stacks=%v", stacks), func(b *testing.B) {
			var per float64
			for b.Loop() {
				per = bytesPerResource(1_000_000, resources.Options{CaptureStacks: stacks})
			}
			b.ReportMetric(per, "B/resource")
		})
	}
}

// bytesPerResource measures the live heap added by tracking n resources.
func bytesPerResource(n int, o resources.Options) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tr := resources.New(o)
	for i := 0; i < n; i++ {
		_, _ = tr.Register("postgres", "pool")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// TestBytesPerResource holds the memory goal: a tracked resource costs at
// most 100 bytes of heap with stacks off.
func TestBytesPerResource(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a few tens of MB")
	}
	const limit = 100
	if per := bytesPerResource(300_000, resources.Options{}); per > limit {
		t.Fatalf("%.1f bytes per tracked resource, want ≤ %d", per, limit)
	} else {
		t.Logf("%.1f bytes per tracked resource", per)
	}
}
