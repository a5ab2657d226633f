package observe

import (
	"context"
	"testing"
	"time"
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
