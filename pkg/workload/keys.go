package workload

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/resync-dev/resync/internal/zipf"
)

// Key distribution kinds.
const (
	DistZipf    = "zipf"
	DistUniform = "uniform"
	DistHotset  = "hotset"
)

// KeyDist describes how the cache mode draws keys from [0, Keys).
type KeyDist struct {
	// Kind is zipf (the default), uniform or hotset.
	Kind string `json:"kind"`
	// S is the zipf exponent (> 0); zero means DefaultZipfS. Key 0 is the
	// most popular.
	S float64 `json:"s,omitempty"`
	// HotFraction is the share of keys that are hot (hotset); zero means
	// DefaultHotFraction.
	HotFraction float64 `json:"hot_fraction,omitempty"`
	// HotShare is the share of accesses that go to hot keys (hotset); zero
	// means DefaultHotShare.
	HotShare float64 `json:"hot_share,omitempty"`
}

func (d KeyDist) withDefaults() KeyDist {
	if d.Kind == "" {
		d.Kind = DefaultDist
	}
	if d.S == 0 {
		d.S = DefaultZipfS
	}
	if d.HotFraction == 0 {
		d.HotFraction = DefaultHotFraction
	}
	if d.HotShare == 0 {
		d.HotShare = DefaultHotShare
	}
	return d
}

func (d KeyDist) validate() error {
	d = d.withDefaults()
	switch {
	case d.Kind != DistZipf && d.Kind != DistUniform && d.Kind != DistHotset:
		return fmt.Errorf("key distribution %q is unknown: use zipf, uniform or hotset", d.Kind)
	case !(d.S > 0) || math.IsInf(d.S, 0):
		return fmt.Errorf("zipf exponent %v must be greater than 0", d.S)
	case !(d.HotFraction > 0 && d.HotFraction < 1):
		return fmt.Errorf("hot fraction %v must be between 0 and 1", d.HotFraction)
	case !(d.HotShare > 0 && d.HotShare <= 1):
		return fmt.Errorf("hot share %v must be greater than 0 and at most 1", d.HotShare)
	}
	return nil
}

// keyGen draws keys; one per worker, so no lock is shared.
type keyGen interface{ next() uint64 }

// newKeyGen returns a generator over [0, n) for d (with defaults applied).
func newKeyGen(d KeyDist, n int, rng *rand.Rand) keyGen {
	switch d.Kind {
	case DistUniform:
		return uniformGen{rng: rng, n: uint64(n)}
	case DistHotset:
		hot := max(1, int(math.Round(float64(n)*d.HotFraction)))
		if hot >= n {
			return uniformGen{rng: rng, n: uint64(n)}
		}
		return hotsetGen{rng: rng, n: uint64(n), hot: uint64(hot), share: d.HotShare}
	default:
		return newZipfGen(rng, n, d.S)
	}
}

type uniformGen struct {
	rng *rand.Rand
	n   uint64
}

func (g uniformGen) next() uint64 { return g.rng.Uint64N(g.n) }

type hotsetGen struct {
	rng    *rand.Rand
	n, hot uint64
	share  float64
}

func (g hotsetGen) next() uint64 {
	if g.rng.Float64() < g.share {
		return g.rng.Uint64N(g.hot)
	}
	return g.hot + g.rng.Uint64N(g.n-g.hot)
}

// zipfGen draws keys in [0, n) with P(k) ∝ 1/(k+1)^s (rank 1 is key 0),
// any s > 0, O(1) per draw: internal/zipf's rejection-inversion sampler.
type zipfGen struct{ z *zipf.Zipf }

func newZipfGen(rng *rand.Rand, n int, s float64) zipfGen {
	return zipfGen{z: zipf.New(rng, s, uint64(n))}
}

func (g zipfGen) next() uint64 { return g.z.Next() - 1 }
