package cache_test

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/resync-dev/resync/pkg/cache"
)

// TestMemoryEstimate fills a cache with string keys and []byte and string
// values of mixed sizes and compares the estimated bytes with the real heap
// growth (runtime.MemStats after a GC): they must agree within ±10 %.
func TestMemoryEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~100 MB")
	}
	tests := []struct {
		name    string
		entries int
		sizes   func(r *rand.Rand) int
	}{
		{"small values 0-64 B", 100_000, func(r *rand.Rand) int { return r.IntN(65) }},
		{"mixed values 0-4 KiB", 30_000, func(r *rand.Rand) int { return r.IntN(4097) }},
		{"large values 16-64 KiB", 1_000, func(r *rand.Rand) int { return 16<<10 + r.IntN(48<<10) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			sizes := make([]int, tt.entries)
			for i := range sizes {
				sizes[i] = tt.sizes(r)
			}
			check := func(t *testing.T, fill func(i int, size int)) int64 {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				for i, size := range sizes {
					fill(i, size)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				return int64(after.HeapAlloc) - int64(before.HeapAlloc)
			}
			t.Run("bytes", func(t *testing.T) {
				c, _ := cache.New(cache.Options[string, []byte]{MaxItems: tt.entries, MaxBytes: 1 << 40})
				defer c.Close()
				grown := check(t, func(i, size int) {
					c.Set("key:"+strconv.Itoa(i), make([]byte, size), 0)
				})
				compare(t, c.Stats().Bytes, grown)
				runtime.KeepAlive(c)
			})
			t.Run("strings", func(t *testing.T) {
				c, _ := cache.New(cache.Options[string, string]{MaxItems: tt.entries, MaxBytes: 1 << 40})
				defer c.Close()
				grown := check(t, func(i, size int) {
					c.Set("key:"+strconv.Itoa(i), string(make([]byte, size)), 0)
				})
				compare(t, c.Stats().Bytes, grown)
				runtime.KeepAlive(c)
			})
		})
	}
}

func compare(t *testing.T, estimated, real int64) {
	t.Helper()
	ratio := float64(estimated) / float64(real)
	t.Logf("estimated %d B, heap grew %d B: ratio %.3f", estimated, real, ratio)
	if ratio < 0.9 || ratio > 1.1 {
		t.Errorf("estimate %d B is %.1f %% off the real heap growth %d B (allowed ±10 %%)", estimated, 100*(ratio-1), real)
	}
}

type profile struct {
	ID   int
	Name string
	Tags []string
}

// TestMemoryEstimateSampled: values of other types are measured by a
// reflection walk on a sample of the Sets; the mean stands for the rest.
func TestMemoryEstimateSampled(t *testing.T) {
	const entries = 50_000
	c, _ := cache.New(cache.Options[int, *profile]{MaxItems: entries, MaxBytes: 1 << 40})
	defer c.Close()
	r := rand.New(rand.NewPCG(1, 1))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range entries {
		p := &profile{ID: i, Name: string(make([]byte, 8+r.IntN(24)))}
		for range r.IntN(4) {
			p.Tags = append(p.Tags, string(make([]byte, 4+r.IntN(12))))
		}
		c.Set(i, p, 0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	compare(t, c.Stats().Bytes, int64(after.HeapAlloc)-int64(before.HeapAlloc))
	runtime.KeepAlive(c)
}
