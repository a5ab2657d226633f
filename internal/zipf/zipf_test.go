package zipf

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The sampler matches P(k) ∝ 1/k^s on the first ranks, for s below, at
// and above 1 (math/rand's Zipf needs s > 1).
func TestMatchesTheDistribution(t *testing.T) {
	const n, draws = 1000, 400_000
	for _, s := range []float64{0.6, 1.0, 1.01, 1.5} {
		z := New(rand.New(rand.NewPCG(1, 2)), s, n)
		counts := make([]float64, n+1)
		for range draws {
			k := z.Next()
			if k < 1 || k > n {
				t.Fatalf("s=%v: rank %d outside [1, %d]", s, k, n)
			}
			counts[k]++
		}
		var norm float64
		for k := 1; k <= n; k++ {
			norm += math.Pow(float64(k), -s)
		}
		for k := 1; k <= 5; k++ {
			want := draws * math.Pow(float64(k), -s) / norm
			if got := counts[k]; math.Abs(got-want) > 5*math.Sqrt(want) {
				t.Errorf("s=%v rank %d: %v draws, want %.0f ± %.0f", s, k, got, want, 5*math.Sqrt(want))
			}
		}
	}
}
