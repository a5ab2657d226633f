package sim

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/resync-dev/resync/internal/zipf"
)

// Synthetic distributions.
const (
	DistZipf    = "zipf"    // P(rank k) ∝ 1/k^s
	DistUniform = "uniform" // every key alike
	DistHotset  = "hotset"  // HotShare of requests go to HotFraction of keys
)

// Hot-set shape: 80 % of requests go to 20 % of the keys.
const (
	HotFraction = 0.2
	HotShare    = 0.8
)

// Workload describes a synthetic trace.
type Workload struct {
	Dist     string  // zipf | uniform | hotset
	Keys     int     // distinct keys that may be drawn, ≥ 1
	Requests int     // trace length, ≥ 1
	ZipfS    float64 // zipf exponent, > 0
	Seed     uint64  // same seed, same trace
}

// Generate draws the workload's keys (0..Keys-1). Zipf ranks are mapped to
// keys through a fixed permutation, so hot keys are spread over the space.
func Generate(w Workload) ([]uint64, error) { return GenerateContext(context.Background(), w) }

// GenerateContext is Generate that gives up when ctx is done (it looks
// every checkEvery keys: 50 million zipf keys take seconds), returning
// ctx's error and no keys.
func GenerateContext(ctx context.Context, w Workload) ([]uint64, error) {
	if w.Keys < 1 || w.Requests < 1 {
		return nil, fmt.Errorf("sim: keys (%d) and requests (%d) must be at least 1", w.Keys, w.Requests)
	}
	r := rand.New(rand.NewPCG(w.Seed, w.Seed^0x9e3779b97f4a7c15))
	out := make([]uint64, w.Requests)
	n := uint64(w.Keys)
	switch w.Dist {
	case DistZipf:
		if !(w.ZipfS > 0) {
			return nil, fmt.Errorf("sim: zipf exponent %v must be greater than 0", w.ZipfS)
		}
		z := zipf.New(r, w.ZipfS, n)
		a, b := coprimeMul(n), r.Uint64N(n)
		for i := range out {
			if cancelled(ctx, i) {
				return nil, ctx.Err()
			}
			out[i] = ((z.Next()-1)*a + b) % n
		}
	case DistUniform:
		for i := range out {
			if cancelled(ctx, i) {
				return nil, ctx.Err()
			}
			out[i] = r.Uint64N(n)
		}
	case DistHotset:
		hot := max(uint64(float64(n)*HotFraction), 1)
		for i := range out {
			if cancelled(ctx, i) {
				return nil, ctx.Err()
			}
			if r.Float64() < HotShare || hot == n {
				out[i] = r.Uint64N(hot)
			} else {
				out[i] = hot + r.Uint64N(n-hot)
			}
		}
	default:
		return nil, fmt.Errorf("sim: unknown distribution %q: use zipf, uniform or hotset", w.Dist)
	}
	return out, nil
}

// coprimeMul returns a multiplier coprime with n, so k → k·a mod n is a
// permutation of 0..n-1.
func coprimeMul(n uint64) uint64 {
	a := uint64(2654435761) % n
	for a == 0 || gcd(a, n) != 1 {
		a++
		if a >= n {
			a = 1
		}
	}
	return a
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
