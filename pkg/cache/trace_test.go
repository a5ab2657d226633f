package cache_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/resync-dev/resync/pkg/cache/sim"
)

// sharedTraces returns the shared LIRS traces, found relative to the
// repository root (../shared/traces), or skips.
func sharedTraces(t testing.TB) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "traces")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.trace.gz"))
	if len(paths) == 0 {
		t.Skipf("no shared traces in %s (they live in ../shared/traces next to the repository)", dir)
	}
	return paths
}

func loadTrace(t testing.TB, path string) []uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys, err := sim.ReadTrace(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestHitRatioMatchesExactLRU: on every shared trace and at capacities
// from 1 % to 100 % of its distinct keys, the cache's hit ratio is within
// 0.5 point of a single-list exact LRU of the same capacity.
func TestHitRatioMatchesExactLRU(t *testing.T) {
	for _, path := range sharedTraces(t) {
		keys := loadTrace(t, path)
		_, distinct := sim.Densify(keys)
		for _, frac := range []float64{0.01, 0.05, 0.1, 0.2, 0.4, 0.7, 1} {
			capacity := max(int(frac*float64(distinct)), 1)
			want := float64(sim.ExactLRUHits(keys, capacity)) / float64(len(keys))
			got, err := sim.ReplayCache(context.Background(), keys, capacity, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			hr := float64(got.Hits) / float64(len(keys))
			t.Logf("%s capacity %d: cache %.4f, exact LRU %.4f", filepath.Base(path), capacity, hr, want)
			if d := hr - want; d > 0.005 || d < -0.005 {
				t.Errorf("%s capacity %d: hit ratio %.4f, exact LRU %.4f: off by %.2f points (max 0.5)",
					filepath.Base(path), capacity, hr, want, 100*d)
			}
		}
	}
}
