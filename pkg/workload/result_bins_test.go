package workload

import (
	"math"
	"testing"
	"time"
)

func TestBinsOf(t *testing.T) {
	h := newHistogram()
	for _, d := range []time.Duration{
		30 * time.Microsecond, 50 * time.Microsecond, // ≤ 0.05 ms
		2 * time.Millisecond, 2 * time.Millisecond, 2500 * time.Microsecond, // ≤ 2.5 ms
		7 * time.Millisecond, // ≤ 10 ms
		20 * time.Second,     // above the last bound
	} {
		h.RecordValue(d.Nanoseconds())
	}
	bins := binsOf(h, LatencyBounds)
	if len(bins) != len(LatencyBounds)+1 || !math.IsInf(bins[len(bins)-1].UpperMs, 1) {
		t.Fatalf("bins %v: want every bound and a +Inf bin", bins)
	}
	want := map[float64]uint64{0.05: 2, 2.5: 3, 10: 1, math.Inf(1): 1}
	var total uint64
	for _, b := range bins {
		if b.Count != want[b.UpperMs] {
			t.Errorf("bin ≤ %v ms: %d, want %d", b.UpperMs, b.Count, want[b.UpperMs])
		}
		total += b.Count
	}
	if total != uint64(h.TotalCount()) {
		t.Errorf("bins hold %d values, the histogram %d", total, h.TotalCount())
	}

	h.Reset()
	h.RecordValue((3 * time.Millisecond).Nanoseconds())
	if bins := binsOf(h, LatencyBounds); len(bins) != 7 || bins[6].UpperMs != 5 || bins[6].Count != 1 {
		t.Errorf("one 3 ms value: %v, want bins up to ≤ 5 ms only", bins)
	}
	if bins := binsOf(newHistogram(), LatencyBounds); bins != nil {
		t.Errorf("empty histogram: %v", bins)
	}
}

// PoolThroughput is the throughput of the operations that reached the
// pool: all of them without a cache, the successful misses with one.
func TestPoolThroughput(t *testing.T) {
	tests := []struct {
		name string
		r    Result
		want float64
	}{
		{"no cache", Result{Throughput: 120, Elapsed: 2 * time.Second}, 120},
		{"cache", Result{Throughput: 1000, Elapsed: 2 * time.Second, Cache: &CacheResult{Hits: 1800, Misses: 200}}, 100},
		{"cache with errors", Result{Throughput: 990, Elapsed: 2 * time.Second, Cache: &CacheResult{Hits: 1800, Misses: 200},
			Errors: ErrorCounts{Server: 20}}, 90},
		{"cache, nothing measured", Result{Cache: &CacheResult{}}, 0},
	}
	for _, tt := range tests {
		if got := tt.r.PoolThroughput(); got != tt.want {
			t.Errorf("%s: PoolThroughput = %v, want %v", tt.name, got, tt.want)
		}
	}
}
