package workload

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestZipfMatchesItsDistribution(t *testing.T) {
	for _, s := range []float64{0.6, 1.0, 1.01, 1.5} {
		const n, draws = 100, 400_000
		g := newKeyGen(KeyDist{Kind: DistZipf, S: s}.withDefaults(), n, rand.New(rand.NewPCG(1, 2)))
		counts := make([]float64, n)
		for range draws {
			k := g.next()
			if k >= n {
				t.Fatalf("s=%g: key %d out of [0,%d)", s, k, n)
			}
			counts[k]++
		}
		var norm float64
		for k := 1; k <= n; k++ {
			norm += math.Pow(float64(k), -s)
		}
		// Chi-square against the exact pmf; 99 degrees of freedom, the
		// 0.999 quantile is about 148.
		var chi2 float64
		for k := range n {
			want := draws * math.Pow(float64(k+1), -s) / norm
			chi2 += (counts[k] - want) * (counts[k] - want) / want
		}
		if chi2 > 148 {
			t.Errorf("s=%g: chi² = %.1f over 100 keys, want < 148", s, chi2)
		}
	}
}

func TestUniformAndHotset(t *testing.T) {
	const n, draws = 1000, 200_000
	rng := rand.New(rand.NewPCG(3, 4))
	uni := newKeyGen(KeyDist{Kind: DistUniform}.withDefaults(), n, rng)
	hot := newKeyGen(KeyDist{Kind: DistHotset}.withDefaults(), n, rng)
	var uniLow, hotLow int
	for range draws {
		if uni.next() < 200 {
			uniLow++
		}
		if k := hot.next(); k < 200 {
			hotLow++
		} else if k >= n {
			t.Fatalf("hotset key %d out of range", k)
		}
	}
	// Uniform: 20 % of draws in the first 20 % of keys; hotset (defaults
	// 20 % of keys hot, 80 % of accesses): 80 %.
	if f := float64(uniLow) / draws; math.Abs(f-0.2) > 0.01 {
		t.Errorf("uniform: %.3f of draws in the first fifth, want 0.2", f)
	}
	if f := float64(hotLow) / draws; math.Abs(f-0.8) > 0.01 {
		t.Errorf("hotset: %.3f of draws on hot keys, want 0.8", f)
	}
}
