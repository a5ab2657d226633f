package pools

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

func TestDurationsBuckets(t *testing.T) {
	bounds := []float64{0.0001, 0.0005, 0.001, 0.005, 0.01, 1, 10}
	tests := []struct {
		name   string
		values []time.Duration
		want   []uint64 // cumulative, one per bound
	}{
		{"empty", nil, []uint64{0, 0, 0, 0, 0, 0, 0}},
		{"zero waits count in the first bucket", []time.Duration{0, 0, 0}, []uint64{3, 3, 3, 3, 3, 3, 3}},
		{"a value at a bound counts under it", []time.Duration{100 * time.Microsecond, time.Millisecond, 10 * time.Second},
			[]uint64{1, 1, 2, 2, 2, 2, 3}},
		{"just above a bound counts in the next", []time.Duration{110 * time.Microsecond, 1100 * time.Microsecond, 11 * time.Millisecond},
			[]uint64{0, 1, 1, 2, 2, 3, 3}},
		{"spread", []time.Duration{
			50 * time.Microsecond, 300 * time.Microsecond, 700 * time.Microsecond, 3 * time.Millisecond,
			7 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second, 2 * time.Second,
		}, []uint64{1, 2, 3, 4, 5, 6, 8}},
		{"above the last bound and beyond the histogram count only in the total",
			[]time.Duration{11 * time.Second, 2 * time.Hour}, []uint64{0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDurations()
			for _, v := range tt.values {
				d.record(int64(v))
			}
			got := d.freeze().buckets(bounds)
			if len(got) != len(bounds) {
				t.Fatalf("%d buckets, want %d", len(got), len(bounds))
			}
			for i, b := range got {
				if b.UpperBoundSeconds != bounds[i] || b.CumulativeCount != tt.want[i] {
					t.Errorf("bucket %d = %+v, want le %v count %d", i, b, bounds[i], tt.want[i])
				}
			}
		})
	}
}

// Snapshot fills the wait buckets from the same data as the quantiles:
// acquires served at once are booked as zero waits, a queued one as its
// real wait.
func TestSnapshotWaitBuckets(t *testing.T) {
	if !metricsEnabled {
		t.Skip("built with resync_nometrics")
	}
	p := newTestPool(t, newMem(), func() Options { o := testOptions(); o.MaxSize = 1; return o }())
	first, err := p.Acquire(context.Background()) // dials: a queued wait of unknown length
	if err != nil {
		t.Fatal(err)
	}
	first.Release()
	const immediate = 4
	checkouts(t, p, immediate)
	c, _ := p.Acquire(context.Background())
	const held = 20 * time.Millisecond
	got := make(chan *Conn[*memConn], 1)
	go func() {
		c, err := p.Acquire(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	eventually(t, "a waiter", func() bool { return p.Snapshot().Waiting == 1 })
	time.Sleep(held)
	c.Release()
	within(t, func() *Conn[*memConn] { return <-got }).Release()

	s := p.Snapshot()
	b := s.AcquireWaitBuckets
	if len(b) != len(DefaultWaitBuckets) {
		t.Fatalf("%d buckets, want %d", len(b), len(DefaultWaitBuckets))
	}
	for i := range b {
		if b[i].UpperBoundSeconds != DefaultWaitBuckets[i] || (i > 0 && b[i].CumulativeCount < b[i-1].CumulativeCount) {
			t.Fatalf("buckets %+v: wrong bounds or not cumulative", b)
		}
	}
	// 1 dial + 4 immediate + 1 held (the acquire held during the wait is
	// immediate too).
	if want := uint64(immediate + 3); s.AcquireWaitCount != want || s.AcquireCount != want {
		t.Errorf("wait count %d, acquires %d, want %d", s.AcquireWaitCount, s.AcquireCount, want)
	}
	if b[0].CumulativeCount < immediate+1 {
		t.Errorf("le %v = %d, want ≥ %d zero waits", b[0].UpperBoundSeconds, b[0].CumulativeCount, immediate+1)
	}
	if le10ms := b[slices.Index(DefaultWaitBuckets, 0.01)].CumulativeCount; le10ms > s.AcquireWaitCount-1 {
		t.Errorf("le 0.01 = %d: the %v wait is counted under 10 ms", le10ms, held)
	}
	if s.AcquireWaitSumSeconds < held.Seconds() || math.Abs(s.AcquireWaitSumSeconds*1e3/float64(s.AcquireWaitCount)-s.AcquireWaitMs.Mean) > 1e-9 {
		t.Errorf("sum %v s, mean %v ms: want ≥ %v and sum/count = mean", s.AcquireWaitSumSeconds, s.AcquireWaitMs.Mean, held)
	}
}
