package observe

import (
	"context"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/report"
)

type fakeSource struct{ readings []Reading }

func (f *fakeSource) Name() string { return "redis" }
func (f *fakeSource) Target() (string, string, string) {
	return "redis", "redis", "redis://:secret@h:6379"
}
func (f *fakeSource) Close() error { return nil }
func (f *fakeSource) Snapshot(context.Context) (Reading, error) {
	r := f.readings[0]
	if len(f.readings) > 1 {
		f.readings = f.readings[1:]
	}
	return r, nil
}

// TestObserveDeltasAndResets: hits 100 → 150 → 20 (a reset: counts 20 from
// zero) → 50 gives 50 + 20 + 30 = 100 hits and one reset, never negative.
func TestObserveDeltasAndResets(t *testing.T) {
	src := &fakeSource{}
	for _, h := range []uint64{100, 150, 20, 50} {
		src.readings = append(src.readings, Reading{Caches: []Cache{{Hits: h, Misses: 10}}})
	}
	clock := time.Unix(0, 0)
	res := Observe(context.Background(), []Source{src}, Options{
		Window: 3 * time.Second, Interval: time.Second,
		Now:   func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
	})
	c := res.Sources[0].Caches[0]
	if c.Hits != 100 || c.Resets != 1 || c.Misses != 0 {
		t.Errorf("hits %d misses %d resets %d, want 100, 0 (misses stayed at 10) and 1", c.Hits, c.Misses, c.Resets)
	}
	if got := res.Sources[0].TargetURL; got != "redis://:***@h:6379" {
		t.Errorf("target URL %q not redacted", got)
	}
}

// observeReadings runs Observe over readings, one per second, on a fake
// clock.
func observeReadings(t *testing.T, readings []Reading) SourceWindow {
	t.Helper()
	clock := time.Unix(0, 0)
	res := Observe(context.Background(), []Source{&fakeSource{readings: readings}}, Options{
		Window: time.Duration(len(readings)-1) * time.Second, Interval: time.Second,
		Now:   func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
	})
	return res.Sources[0]
}

// TestObserveEpoch: a new epoch (a restart, pg_stat_reset) counts every
// counter from its new value and records one reset even when no counter
// went backwards; evidence counters are deltas like the others.
func TestObserveEpoch(t *testing.T) {
	tests := []struct {
		name                 string
		hits, misses, dl     []uint64
		epochs               []string
		wantHits, wantMisses uint64
		wantDeadlocks        uint64
		wantResets           int
	}{
		{"steady", []uint64{10, 20, 30}, []uint64{1, 2, 3}, []uint64{0, 1, 1}, []string{"a", "a", "a"}, 20, 2, 1, 0},
		{"reset, counters higher", []uint64{10, 20, 25}, []uint64{1, 2, 4}, []uint64{5, 5, 6}, []string{"a", "a", "b"}, 35, 5, 6, 1},
		{"reset, counters lower", []uint64{100, 110, 5}, []uint64{9, 9, 1}, []uint64{3, 3, 0}, []string{"a", "a", "b"}, 15, 1, 0, 1},
		{"no epoch, counter backwards", []uint64{100, 110, 5}, []uint64{9, 9, 9}, []uint64{0, 0, 0}, []string{"", "", ""}, 15, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []Reading
			for i := range tt.hits {
				rs = append(rs, Reading{
					Caches: []Cache{{Hits: tt.hits[i], Misses: tt.misses[i], Epoch: tt.epochs[i]}},
					Pools:  []Pool{{MaxSize: 10, Counters: map[string]uint64{CounterDeadlocks: tt.dl[i]}, Epoch: tt.epochs[i]}},
				})
			}
			w := observeReadings(t, rs)
			c, p := w.Caches[0], w.Pools[0]
			if c.Hits != tt.wantHits || c.Misses != tt.wantMisses || c.Resets != tt.wantResets {
				t.Errorf("cache hits %d misses %d resets %d, want %d %d %d", c.Hits, c.Misses, c.Resets, tt.wantHits, tt.wantMisses, tt.wantResets)
			}
			if got := p.Counters[CounterDeadlocks]; got != tt.wantDeadlocks {
				t.Errorf("deadlocks %d, want %d", got, tt.wantDeadlocks)
			}
			if tt.epochs[2] != tt.epochs[0] && p.Resets != 1 {
				t.Errorf("pool resets %d, want 1 for the new epoch", p.Resets)
			}
		})
	}
}

// TestNoTraffic: an entry with no reads, writes or connections is rated
// "no traffic", not scored and not a finding; any traffic scores it.
func TestNoTraffic(t *testing.T) {
	tests := []struct {
		name      string
		cache     CacheWindow
		pool      PoolWindow
		wantCache bool
		wantPool  bool
	}{
		{"quiet", CacheWindow{}, PoolWindow{}, true, true},
		{"reads", CacheWindow{Misses: 1}, PoolWindow{Attempts: 1}, false, false},
		{"writes only", CacheWindow{Sets: 3}, PoolWindow{PeakInUse: 1}, false, false},
		{"expirations only", CacheWindow{Expirations: 3}, PoolWindow{PeakWaiting: 1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cache.NoTraffic(); got != tt.wantCache {
				t.Errorf("cache NoTraffic %v, want %v", got, tt.wantCache)
			}
			if got := tt.pool.NoTraffic(); got != tt.wantPool {
				t.Errorf("pool NoTraffic %v, want %v", got, tt.wantPool)
			}
			tt.pool.Last.MaxSize = 100
			var in report.Input
			(&Result{Sources: []SourceWindow{{Source: report.SourceRedis, TargetName: "redis", Readings: 2,
				Caches: []CacheWindow{tt.cache}, Pools: []PoolWindow{tt.pool}}}}).Fill(&in)
			r := report.Build(in)
			c, p := r.Caches["redis"], r.Pools["redis"]
			if (c.Rating == report.RatingNoTraffic) != tt.wantCache || c.NoTraffic != tt.wantCache {
				t.Errorf("cache rating %q no_traffic %v, want no traffic %v", c.Rating, c.NoTraffic, tt.wantCache)
			}
			if (p.Rating == report.RatingNoTraffic) != tt.wantPool || p.NoTraffic != tt.wantPool {
				t.Errorf("pool rating %q no_traffic %v, want no traffic %v", p.Rating, p.NoTraffic, tt.wantPool)
			}
			if tt.wantCache && tt.wantPool && r.OverallHealth != report.HealthHealthy {
				t.Errorf("a quiet target made the report %s: %v", r.OverallHealth, r.HealthReasons)
			}
		})
	}
}
