package sim

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestReadTrace(t *testing.T) {
	tests := []struct {
		name, in string
		want     []uint64
		wantErr  string
	}{
		{"plain", "1\n2\n3\n", []uint64{1, 2, 3}, ""},
		{"spaces, blanks, comments, LIRS separators", " 5 \r\n\n# comment\n*\n7\n", []uint64{5, 7}, ""},
		{"negative keys keep their bits", "-1\n", []uint64{math.MaxUint64}, ""},
		{"no trailing newline", "9", []uint64{9}, ""},
		{"empty", "", nil, "has no keys"},
		{"only comments", "# nothing\n\n", nil, "has no keys"},
		{"string keys are hashed", "1\nuser:42\nuser:42\n", []uint64{1, hashString([]byte("user:42")), hashString([]byte("user:42"))}, ""},
		{"a float or an overflowing number is a string key", "1.5\n99999999999999999999999\n", []uint64{hashString([]byte("1.5")), hashString([]byte("99999999999999999999999"))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTrace(strings.NewReader(tt.in), "t.txt")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestReadTraceGzipAndEmptyError(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("4\n5\n"))
	zw.Close()
	got, err := ReadTrace(&buf, "z")
	if err != nil || len(got) != 2 || got[1] != 5 {
		t.Fatalf("gzip trace: %v, %v", got, err)
	}
	_, err = ReadTrace(strings.NewReader("\n"), "e")
	if !errors.Is(err, ErrEmptyTrace) {
		t.Fatalf("empty trace error %v is not ErrEmptyTrace", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "k.txt")
	os.WriteFile(p, []byte("1\n"), 0o644)
	if keys, err := OpenTrace(p, nil); err != nil || len(keys) != 1 {
		t.Fatalf("OpenTrace: %v, %v", keys, err)
	}
	if keys, err := OpenTrace("-", strings.NewReader("3\n")); err != nil || keys[0] != 3 {
		t.Fatalf("OpenTrace stdin: %v, %v", keys, err)
	}
	if _, err := OpenTrace(filepath.Join(dir, "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func randomTrace(r *rand.Rand, n, keys int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		// a mix of a hot set and a long tail, so every capacity matters
		if r.IntN(3) == 0 {
			out[i] = uint64(r.IntN(keys))
		} else {
			out[i] = uint64(r.IntN(max(keys/10, 1)))
		}
	}
	return out
}

// The one-pass curve is exact: it equals a plain LRU at every capacity.
func TestLRUCurveMatchesExactLRU(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		keys := randomTrace(r, 2000, 1+r.IntN(300))
		ids, distinct := Densify(keys)
		curve := NewLRUCurve(ids, distinct)
		for c := 1; c <= distinct+1; c += 1 + c/4 {
			if got, want := curve.Hits(c), ExactLRUHits(keys, c); got != want {
				t.Fatalf("trial %d capacity %d: curve %d hits, exact LRU %d", trial, c, got, want)
			}
		}
		if curve.Hits(distinct) != curve.MaxHits() {
			t.Fatalf("at capacity=distinct every non-first request hits")
		}
	}
}

func TestMinCapacity(t *testing.T) {
	keys := []uint64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1} // cyclic: needs 3 slots
	ids, distinct := Densify(keys)
	c := NewLRUCurve(ids, distinct)
	if got := c.MinCapacity(0.6); got != 3 {
		t.Fatalf("MinCapacity(0.6) = %d, want 3", got)
	}
	if got := c.MinCapacity(0.8); got != 0 {
		t.Fatalf("MinCapacity(0.8) = %d, want 0 (max hit rate is 0.7)", got)
	}
}

// bruteOptimal tries every choice on a miss: evict any resident or skip.
func bruteOptimal(keys []uint64, capacity int) int64 {
	var best int64
	var rec func(i int, cache []uint64, hits int64)
	rec = func(i int, cache []uint64, hits int64) {
		if i == len(keys) {
			best = max(best, hits)
			return
		}
		k := keys[i]
		for _, c := range cache {
			if c == k {
				rec(i+1, cache, hits+1)
				return
			}
		}
		rec(i+1, cache, hits) // do not keep it
		if len(cache) < capacity {
			rec(i+1, append(append([]uint64(nil), cache...), k), hits)
			return
		}
		for j := range cache {
			next := append([]uint64(nil), cache...)
			next[j] = k
			rec(i+1, next, hits)
		}
	}
	rec(0, nil, 0)
	return best
}

func TestOptimalHitsIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		keys := randomTrace(r, 6+r.IntN(7), 2+r.IntN(5))
		ids, distinct := Densify(keys)
		next := nextUses(context.Background(), ids, distinct)
		for c := 1; c <= 3; c++ {
			got := OptimalHits(ids, next, distinct, c, 0)
			if want := bruteOptimal(keys, c); got != want {
				t.Fatalf("trial %d %v capacity %d: Belady %d hits, exhaustive search %d", trial, keys, c, got, want)
			}
			if lru := ExactLRUHits(keys, c); got < lru {
				t.Fatalf("optimal %d below LRU %d", got, lru)
			}
		}
	}
}

func TestZipfShape(t *testing.T) {
	for _, s := range []float64{0.8, 1.0, 1.01, 1.5} {
		keys, err := Generate(Workload{Dist: DistZipf, Keys: 1000, Requests: 200_000, ZipfS: s, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[uint64]int{}
		for _, k := range keys {
			counts[k]++
		}
		var freq []int
		for _, c := range counts {
			freq = append(freq, c)
		}
		// the top key's share should match 1/H(n,s)
		top := 0
		for _, f := range freq {
			top = max(top, f)
		}
		var h float64
		for k := 1; k <= 1000; k++ {
			h += math.Pow(float64(k), -s)
		}
		want := 1 / h
		got := float64(top) / float64(len(keys))
		if math.Abs(got-want)/want > 0.05 {
			t.Errorf("s=%v: top key share %.4f, want %.4f", s, got, want)
		}
	}
}

func TestGenerate(t *testing.T) {
	for _, d := range []string{DistZipf, DistUniform, DistHotset} {
		a, err := Generate(Workload{Dist: d, Keys: 100, Requests: 1000, ZipfS: 1.01, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(Workload{Dist: d, Keys: 100, Requests: 1000, ZipfS: 1.01, Seed: 5})
		for i := range a {
			if a[i] >= 100 || a[i] != b[i] {
				t.Fatalf("%s: key %d out of range or not reproducible", d, a[i])
			}
		}
	}
	if _, err := Generate(Workload{Dist: "pareto", Keys: 1, Requests: 1}); err == nil {
		t.Fatal("unknown distribution accepted")
	}
}

func TestSweepCapacities(t *testing.T) {
	got := SweepCapacities(100_000, 4)
	want := []int{100, 1000, 10_000, 100_000}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if got := SweepCapacities(3, 10); len(got) != 3 {
		t.Fatalf("small key space: %v, want 1, 2, 3", got)
	}
}

// With a TTL the trace is replayed through the cache; the optimum bounds
// it, and expirations appear.
func TestRunWithTTL(t *testing.T) {
	keys, _ := Generate(Workload{Dist: DistZipf, Keys: 500, Requests: 20_000, ZipfS: 1.01, Seed: 1})
	res, err := Run(context.Background(), Config{Keys: keys, Capacities: []int{10, 100, 1000}, TTL: 5 * time.Second, Rate: 100, TargetHitRate: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodReplay || res.CapacityExact {
		t.Fatalf("method %s exact %v", res.Method, res.CapacityExact)
	}
	for _, p := range res.Points {
		if p.HitRate > p.OptimalHitRate+1e-9 {
			t.Errorf("capacity %d: LRU %.4f above optimal %.4f", p.Capacity, p.HitRate, p.OptimalHitRate)
		}
		if p.Hits+p.Misses != int64(len(keys)) {
			t.Errorf("capacity %d: %d hits + %d misses ≠ %d requests", p.Capacity, p.Hits, p.Misses, len(keys))
		}
	}
	if res.Points[2].Expirations == 0 {
		t.Error("no expirations with a 5 s TTL over 200 s")
	}
	// Without the TTL the replay (through the cache) and the one-pass
	// curve agree exactly on this trace size (the recency window is tiny).
	noTTL, err := Run(context.Background(), Config{Keys: keys, Capacities: []int{10, 100, 1000}, TargetHitRate: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range noTTL.Points {
		got, err := ReplayCache(context.Background(), keys, p.Capacity, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := float64(got.Hits-p.Hits) / float64(len(keys)); math.Abs(d) > 0.005 {
			t.Errorf("capacity %d: cache replay %d hits, exact LRU %d", p.Capacity, got.Hits, p.Hits)
		}
		if p.HitRate > noTTL.Points[i].OptimalHitRate {
			t.Errorf("LRU above optimal")
		}
	}
}

func TestRunErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Run(ctx, Config{}); !errors.Is(err, ErrEmptyTrace) {
		t.Fatalf("empty: %v", err)
	}
	keys := []uint64{1, 2}
	for _, cfg := range []Config{
		{Keys: keys},
		{Keys: keys, Capacities: []int{0}},
		{Keys: keys, Capacities: []int{1}, TTL: -1},
		{Keys: keys, Capacities: []int{1}, TTL: time.Second},
	} {
		if _, err := Run(ctx, cfg); err == nil {
			t.Errorf("Run(%+v) accepted", cfg)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cctx, Config{Keys: keys, Capacities: []int{1}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// The shared traces, when present: the exact curve equals the reference LRU.
func TestSharedTraces(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "traces")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.trace.gz"))
	if len(paths) == 0 {
		t.Skipf("no shared traces in %s", dir)
	}
	for _, p := range paths {
		keys, err := OpenTrace(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids, distinct := Densify(keys)
		curve := NewLRUCurve(ids, distinct)
		for _, c := range SweepCapacities(distinct, 6) {
			if got, want := curve.Hits(c), ExactLRUHits(keys, c); got != want {
				t.Errorf("%s capacity %d: curve %d, exact %d", filepath.Base(p), c, got, want)
			}
		}
	}
}

// Cancelled mid-run, Run returns the capacities finished so far, marked
// partial, with the context's error.
func TestRunCancelledIsPartial(t *testing.T) {
	keys, err := Generate(Workload{Dist: DistZipf, Keys: 1000, Requests: 20_000, ZipfS: 1.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ttl    time.Duration
		cancel int // cancel after this many capacities' optimum
		want   []int
	}{
		{"exact curve, cancelled after one", 0, 1, []int{10}},
		{"exact curve, cancelled after two", 0, 2, []int{10, 100}},
		{"replay, cancelled after one", time.Minute, 1, []int{10}},
		{"cancelled before any", 0, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel < 0 {
				cancel()
			}
			done := 0
			cfg := Config{Keys: keys, Capacities: []int{10, 100, 500}, TTL: tt.ttl, Rate: 1000, TargetHitRate: 0.7, Workers: 1,
				jobDone: func() {
					// With a TTL the replay of a capacity follows its optimum:
					// cancel once it has run too.
					if done++; done == tt.cancel && tt.ttl == 0 {
						cancel()
					}
				}}
			if tt.ttl > 0 {
				cfg.jobDone = func() {
					if done++; done == tt.cancel+1 {
						cancel() // the first capacity's replay has finished
					}
				}
			}
			res, err := Run(ctx, cfg)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if res == nil || !res.Partial {
				t.Fatalf("result %+v, want a partial one", res)
			}
			var got []int
			for _, p := range res.Points {
				got = append(got, p.Capacity)
				if p.Hits+p.Misses != int64(len(keys)) || p.OptimalHitRate < p.HitRate {
					t.Errorf("capacity %d is incomplete: %+v", p.Capacity, p)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("capacities %v, want %v", got, tt.want)
			}
		})
	}
}

// Cancelled in the middle of a long pass (a large trace, one worker, and
// capacities whose exact curve and optimum take seconds each), Run returns
// promptly with what it has: no pass runs to completion first.
func TestRunCancelledMidPassReturnsPromptly(t *testing.T) {
	keys, err := Generate(Workload{Dist: DistZipf, Keys: 1_000_000, Requests: 5_000_000, ZipfS: 0.8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ttl  time.Duration
	}{
		{"exact curve", 0},
		{"replay", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var cancelledAt atomic.Int64
			timer := time.AfterFunc(300*time.Millisecond, func() {
				cancelledAt.Store(time.Now().UnixNano())
				cancel()
			})
			defer timer.Stop()
			cfg := Config{Keys: keys, Capacities: []int{200_000, 500_000, 1_000_000}, TTL: tt.ttl, Rate: 1000,
				TargetHitRate: 0.7, Workers: 1}
			res, err := Run(ctx, cfg)
			returned := time.Now()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if res == nil || !res.Partial {
				t.Fatalf("result %+v, want a partial one", res)
			}
			// The target is 0.5 s; the bound is generous for a loaded
			// machine and the race detector, yet far below one full pass.
			if at := cancelledAt.Load(); at == 0 {
				t.Fatal("Run ended before the cancel: make the simulation larger")
			} else if took := returned.Sub(time.Unix(0, at)); took > time.Second {
				t.Errorf("Run returned %v after the cancel, want well under 1 s", took)
			} else {
				t.Logf("Run returned %v after the cancel", took)
			}
			for _, p := range res.Points {
				if p.Hits+p.Misses != int64(len(keys)) {
					t.Errorf("capacity %d is incomplete: %+v", p.Capacity, p)
				}
			}
		})
	}
}

// Generating and densifying 50 million keys takes seconds: both give up
// when the context is done, so Ctrl-C during "cache simulate" is answered
// at once (#18).
func TestGenerateAndDensifyStopWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, dist := range []string{DistZipf, DistUniform, DistHotset} {
		keys, err := GenerateContext(ctx, Workload{Dist: dist, Keys: 1000, Requests: 1 << 20, ZipfS: 1.01, Seed: 1})
		if !errors.Is(err, context.Canceled) || keys != nil {
			t.Errorf("%s: GenerateContext after cancel = %d keys, %v; want none and context.Canceled", dist, len(keys), err)
		}
	}
	keys, err := Generate(Workload{Dist: DistUniform, Keys: 1000, Requests: 1 << 16, Seed: 1})
	if err != nil || len(keys) != 1<<16 {
		t.Fatalf("Generate = %d keys, %v", len(keys), err)
	}
	if ids, n := DensifyContext(ctx, keys); ids != nil || n != 0 {
		t.Errorf("DensifyContext after cancel = %d ids, %d distinct; want none", len(ids), n)
	}
	if ids, n := DensifyContext(context.Background(), keys); len(ids) != len(keys) || n == 0 || n > 1000 {
		t.Errorf("DensifyContext = %d ids, %d distinct", len(ids), n)
	}
}

// TestReadAllStopsWhenCancelled: a trace held whole (--exact, --ttl,
// policies) is read with the context, so Ctrl-C does not wait for the file.
func TestReadAllStopsWhenCancelled(t *testing.T) {
	var text strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&text, "%d\n", i%977)
	}
	open := func() *Reader {
		tr, err := NewReader(strings.NewReader(text.String()), ReaderOptions{Format: FormatText, Name: "t"})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tr, err := ReadAllContext(ctx, open(), 0, 0); !errors.Is(err, context.Canceled) || tr != nil {
		t.Errorf("ReadAllContext after cancel = %v, %v; want nothing and context.Canceled", tr, err)
	}
	if tr, err := ReadAllContext(context.Background(), open(), 0, 0); err != nil || len(tr.IDs) != 100_000 || tr.Distinct != 977 {
		t.Errorf("ReadAllContext = %v", err)
	}
}
