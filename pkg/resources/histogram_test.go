package resources

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHistIndexBounds(t *testing.T) {
	values := []uint64{0, 1, 7, 8, 9, 15, 16, 17, 1000, 1 << 20, 1<<20 + 1, 3_600_000_000_000, math.MaxInt64, math.MaxUint64}
	prev := -1
	for _, v := range values {
		i := histIndex(v)
		if i < prev || i >= histBuckets {
			t.Fatalf("histIndex(%d) = %d: not monotonic or out of range (prev %d, %d buckets)", v, i, prev, histBuckets)
		}
		prev = i
		lo, w := histBounds(i)
		if v > 1<<53 {
			continue // float64 cannot hold v exactly
		}
		if f := float64(v); f < lo || f >= lo+w {
			t.Errorf("value %d outside its bucket %d [%g, %g)", v, i, lo, lo+w)
		}
	}
}

func TestHistQuantileAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() int64
	}{
		{"uniform ms", func() int64 { return r.Int64N(1e9) }},
		{"exponential", func() int64 { return int64(r.ExpFloat64() * 5e8) }},
		{"lognormal", func() int64 { return int64(math.Exp(r.NormFloat64()*2 + 18)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h lifetimeHist
			vals := make([]int64, 20000)
			for i := range vals {
				vals[i] = tt.gen()
				h.record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0.5, 0.95, 0.99} {
				exact := float64(vals[int(math.Ceil(q*float64(len(vals))))-1])
				got := h.quantile(q)
				if exact > 100 && math.Abs(got-exact)/exact > 0.0625 {
					t.Errorf("q%.2f = %g, exact %g: off by more than 6.25%%", q, got, exact)
				}
			}
		})
	}
}

func TestHistEmptyAndMerge(t *testing.T) {
	var a, b lifetimeHist
	if a.quantile(0.5) != 0 {
		t.Fatal("empty histogram should report 0")
	}
	a.record(-5) // clamped to 0
	b.record(3)
	a.merge(&b)
	if a.total != 2 || a.quantile(1) != 3 || a.quantile(0.5) != 0 {
		t.Fatalf("merged: total %d, q1 %g, q0.5 %g", a.total, a.quantile(1), a.quantile(0.5))
	}
}
