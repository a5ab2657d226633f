package pools

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDurationsQuantiles(t *testing.T) {
	tests := []struct {
		name   string
		values []time.Duration
		want   Quantiles // in ms; compared within 1 % (two significant digits)
	}{
		{"empty", nil, Quantiles{}},
		{"one value", []time.Duration{3 * time.Millisecond}, Quantiles{P50: 3, P95: 3, P99: 3, Max: 3, Mean: 3}},
		{"sub-microsecond", []time.Duration{400 * time.Nanosecond}, Quantiles{Max: 0.0004, Mean: 0.0004}},
		{"1..1000 ms", func() []time.Duration {
			var v []time.Duration
			for i := 1; i <= 1000; i++ {
				v = append(v, time.Duration(i)*time.Millisecond)
			}
			return v
		}(), Quantiles{P50: 500, P95: 950, P99: 990, Max: 1000, Mean: 500.5}},
		{"beyond an hour is clamped but max and mean stay exact",
			[]time.Duration{2 * time.Hour}, Quantiles{P50: 3.6e6, P95: 3.6e6, P99: 3.6e6, Max: 7.2e6, Mean: 7.2e6}},
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.01*want+1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDurations()
			for _, v := range tt.values {
				d.record(int64(v))
			}
			q := d.freeze().quantiles()
			if !near(q.P50, tt.want.P50) || !near(q.P95, tt.want.P95) || !near(q.P99, tt.want.P99) ||
				!near(q.Max, tt.want.Max) || !near(q.Mean, tt.want.Mean) {
				t.Errorf("quantiles %+v, want %+v (±1 %%)", q, tt.want)
			}
		})
	}
}

func TestUtilizationIsTimeWeighted(t *testing.T) {
	// Two checkouts during [10,20) and one during [20,40), max 4: active is
	// 0 during [0,10), 2 during [10,20), 1 during [20,40).
	u := utilization{}
	u.begin(10, 1)
	u.begin(10, 1)
	u.end(20, 10, 1)
	u.begin(20, 1) // still open at 40
	u.end(20, 10, 1)
	want := (2*10 + 1*20) / (40.0 * 4)
	if got := u.mean(40, 4); math.Abs(got-want) > 1e-12 {
		t.Errorf("mean = %v, want %v", got, want)
	}
	// A timed checkout of weight 3 stands for three of the same length.
	w := utilization{}
	w.begin(0, 3)
	w.end(10, 0, 3)
	if got := w.mean(20, 4); math.Abs(got-3*10/(20.0*4)) > 1e-12 {
		t.Errorf("weighted mean = %v, want %v", got, 3*10/(20.0*4))
	}
	if got := (&utilization{}).mean(0, 4); got != 0 {
		t.Errorf("empty span: %v", got)
	}
}

func TestSamplerStride(t *testing.T) {
	ms := int64(time.Millisecond)
	tests := []struct {
		name     string
		releases int64 // acquires and releases in one window of 10 ms
		want     int64
	}{
		{"idle", 1, 1},
		{"below the rate", 999, 1},          // 99,900/s
		{"at twice the rate", 2000, 2},      // 200,000/s
		{"ten times", 10_000, 10},           // 1M/s
		{"capped", 2_000_000, maxStride},    // 200M/s
		{"just under three times", 2999, 2}, // rounds down: never fewer samples than the rate
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampler{stride: 1}
			for i := int64(1); i < tt.releases; i++ {
				s.released(i*10*ms/tt.releases, uint64(i))
			}
			s.released(10*ms, uint64(tt.releases))
			if s.stride != tt.want {
				t.Errorf("stride = %d, want %d", s.stride, tt.want)
			}
		})
	}
}

// A burst is sampled at the target rate once a batch of checkouts has been
// seen, long before its first 10 ms window ends; a slow trickle still waits
// for the window. The checkouts are all timed (a burst starts at stride 1),
// so timed sees each.
func TestSamplerAdaptsWithinABatch(t *testing.T) {
	us := int64(time.Microsecond)
	tests := []struct {
		name  string
		every int64 // ns between releases
		n     int64 // releases observed
		want  int64
	}{
		{"burst, one batch", 50, sampleBatch, 200},                    // 20M/s, after 51 µs
		{"burst, one short of a batch", 50, sampleBatch - 1, 1},       // window still open
		{"fast, one batch", 2 * us, sampleBatch, 5},                   // 500,000/s
		{"trickle, one batch", 20 * us, sampleBatch, 1},               // 50,000/s: the 10 ms bound ended it first
		{"at the rate, after 10 ms", 10 * us, sampleWindow / 10e3, 1}, // 100,000/s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampler{stride: 1}
			for i := int64(1); i <= tt.n; i++ {
				s.timed(i*tt.every, uint64(i))
			}
			if s.stride != tt.want {
				t.Errorf("stride = %d, want %d", s.stride, tt.want)
			}
		})
	}
}

// Releases check the window's time only: a batch of untimed checkouts ends
// the window at the next timed one, not at a release.
func TestSamplerReleasesCheckTimeOnly(t *testing.T) {
	s := sampler{stride: 1}
	for i := int64(1); i <= 4*sampleBatch; i++ {
		s.released(i*50, uint64(i)) // 20M/s
	}
	if s.stride != 1 {
		t.Errorf("after %d releases in %d ns: stride %d, want 1 until a timed checkout or 10 ms", 4*sampleBatch, 4*sampleBatch*50, s.stride)
	}
	s.timed(4*sampleBatch*50+50, 4*sampleBatch+1)
	if s.stride != 200 {
		t.Errorf("at the next timed checkout: stride %d, want 200", s.stride)
	}
	s.released(int64(sampleWindow)+4*sampleBatch*50+50, 4*sampleBatch+2)
	if s.stride != 1 {
		t.Errorf("after a pause: stride %d, want 1", s.stride)
	}
}

func TestTallyWeightsAddUp(t *testing.T) {
	for _, stride := range []int64{1, 2, 7, maxStride} {
		s := sampler{stride: stride}
		var tl tally
		var timed, weight int64
		for range 1000*stride + 1 {
			if w := tl.take(&s); w > 0 {
				timed++
				weight += w
			}
		}
		// The first checkout is timed alone; then one in stride, each
		// standing for stride.
		if timed != 1001 || weight != 1000*stride+1 || tl.pending() != 0 {
			t.Errorf("stride %d: %d timed of weight %d, %d pending; want 1001 of weight %d, 0 pending",
				stride, timed, weight, tl.pending(), 1000*stride+1)
		}
	}
}

// A changed stride applies from the next cycle; the current one keeps the
// weight it began with.
func TestTallyStrideChange(t *testing.T) {
	s := sampler{stride: 4}
	var tl tally
	var ws []int64
	for i := range 12 {
		if i == 3 {
			s.stride = 2
		}
		if w := tl.take(&s); w > 0 {
			ws = append(ws, w)
		}
	}
	// Timed: checkout 0 (weight 1, starts a cycle of 4), 4 (weight 4,
	// starts a cycle of 2), 6, 8, 10 (weight 2 each).
	if want := []int64{1, 4, 2, 2, 2}; !slices.Equal(ws, want) {
		t.Errorf("weights %v, want %v", ws, want)
	}
}

// untake leaves the tally as if the checkout had not been made: the weights
// recorded plus pending still count every checkout that stands.
func TestTallyUntake(t *testing.T) {
	tests := []struct {
		name           string
		stride, before int64 // the stride, and untimed checkouts pending before the undone one
		wantWeight     int64 // the undone checkout's weight
	}{
		{"every checkout timed", 1, 0, 1},
		{"untimed, first of its cycle", 4, 0, 0},
		{"untimed, after others", 4, 2, 0},
		{"timed, standing for others", 4, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampler{stride: tt.stride}
			tl := tally{left: tt.stride - 1 - tt.before, cycle: tt.stride - 1}
			w := tl.take(&s)
			if w != tt.wantWeight {
				t.Fatalf("take = %d, want %d", w, tt.wantWeight)
			}
			tl.untake(w)
			if got := tl.pending(); got != tt.before {
				t.Errorf("pending after untake %d, want %d as before", got, tt.before)
			}
		})
	}
	// Undoing an untimed checkout that a timed one has since stood for:
	// pending goes negative, so one more untimed checkout runs before the
	// next timed one, which makes up for it.
	s := sampler{stride: 2}
	var tl tally
	tl.take(&s) // timed, weight 1: cycle of 2 begins
	u := tl.take(&s)
	if u != 0 {
		t.Fatalf("second take = %d, want 0", u)
	}
	if w := tl.take(&s); w != 2 {
		t.Fatalf("third take = %d, want 2", w)
	}
	tl.untake(u)
	if got := tl.pending(); got != -1 {
		t.Errorf("pending %d, want -1 (the next timed checkout makes up for the one counted twice)", got)
	}
}

func TestWaiterDeadline(t *testing.T) {
	const timeout = time.Second
	tests := []struct {
		name        string
		deadline    int64 // 0: not stored yet
		now         int64
		wantExpired bool
		wantAfter   int64
	}{
		{"not stored yet", 0, 5e9, false, 5e9 + int64(timeout)},
		{"ahead", 6e9, 5e9, false, 6e9},
		{"at the deadline", 5e9, 5e9, true, 5e9},
		{"past", 4e9, 5e9, true, 4e9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w waiter[*memConn]
			w.deadline.Store(tt.deadline)
			if got := w.expiredBy(tt.now); got != tt.wantExpired {
				t.Errorf("expiredBy = %v, want %v", got, tt.wantExpired)
			}
			if got := w.deadlineAfter(tt.now, timeout); got != tt.wantAfter {
				t.Errorf("deadlineAfter = %d, want %d", got, tt.wantAfter)
			}
		})
	}
	// A recycled waiter starts with no deadline, so that a stale one is
	// never read before the next Acquire stores its own.
	p := newTestPool(t, newMem(), testOptions())
	w := p.waiterP.Get().(*waiter[*memConn])
	w.deadline.Store(1)
	p.recycle(w)
	if w.deadline.Load() != 0 {
		t.Errorf("recycled waiter keeps deadline %d", w.deadline.Load())
	}
}

// restride cuts a cycle begun at a longer stride, keeping what is pending.
func TestTallyRestride(t *testing.T) {
	tests := []struct {
		name          string
		begun, untimd int64 // the cycle's stride, untimed checkouts made in it
		to            int64 // the new stride
		wantNext      int64 // untimed checkouts before the next timed one
	}{
		{"down to 1", 8, 2, 1, 0},
		{"down to 2", 8, 2, 2, 1},
		{"down, already within the new length", 8, 6, 2, 1},
		{"up: unchanged", 2, 0, 8, 1},
		{"same: unchanged", 4, 1, 4, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampler{stride: tt.begun}
			tl := tally{left: tt.begun - 1, cycle: tt.begun - 1}
			for range tt.untimd {
				if w := tl.take(&s); w != 0 {
					t.Fatalf("take = %d, want untimed", w)
				}
			}
			s.stride = tt.to
			tl.restride(tt.to)
			if got := tl.pending(); got != tt.untimd {
				t.Errorf("pending %d after restride, want %d as before", got, tt.untimd)
			}
			var skipped int64
			w := tl.take(&s)
			for ; w == 0; w = tl.take(&s) {
				skipped++
			}
			if skipped != tt.wantNext || w != tt.untimd+skipped+1 {
				t.Errorf("%d untimed, then weight %d; want %d untimed, then weight %d",
					skipped, w, tt.wantNext, tt.untimd+tt.wantNext+1)
			}
		})
	}
}

// A window that ends after a long pause computes its stride without
// overflowing (d·sampleRate wraps after about 25.6 h).
func TestSamplerAdaptAfterLongPause(t *testing.T) {
	// 184467440737096 ns (51.2 h) × sampleRate is 2⁶⁴ + 48384: the old
	// formula made it stride maxStride.
	for _, pause := range []time.Duration{time.Second, 26 * time.Hour, 184467440737096, 365 * 24 * time.Hour} {
		s := sampler{stride: maxStride}
		s.released(int64(pause), 1)
		if s.stride != 1 {
			t.Errorf("one checkout after %v: stride %d, want 1", pause, s.stride)
		}
	}
}

// A model check of tally: random takes, releases, untakes (of any
// checkout still out, in any order) and stride changes mid-cycle, with and
// without restride. The weights released, plus those still out, plus
// pending, always equal the checkouts that stand; left and cycle never go
// negative, so a timed weight is at least 1.
func TestTallyModel(t *testing.T) {
	for seed := range uint64(500) {
		r := rand.New(rand.NewPCG(seed, 7))
		s := sampler{stride: 1 + r.Int64N(8)}
		var tl tally
		var out []int64 // weights of the checkouts still out
		var released, standing int64
		for range 500 {
			switch op := r.IntN(10); {
			case op < 5:
				out = append(out, tl.take(&s))
				standing++
			case op < 7 && len(out) > 0:
				i := r.IntN(len(out))
				released += out[i]
				out = slices.Delete(out, i, i+1)
			case op < 9 && len(out) > 0:
				i := r.IntN(len(out))
				tl.untake(out[i])
				out = slices.Delete(out, i, i+1)
				standing--
			default:
				s.stride = 1 + r.Int64N(maxStride)
				if r.IntN(2) == 0 {
					tl.restride(s.stride)
				}
			}
			var o int64
			for _, w := range out {
				o += w
			}
			if released+o+tl.pending() != standing {
				t.Fatalf("seed %d: released %d + out %d + pending %d != standing %d", seed, released, o, tl.pending(), standing)
			}
			if tl.left < 0 || tl.cycle < 0 {
				t.Fatalf("seed %d: tally %+v", seed, tl)
			}
		}
	}
}
