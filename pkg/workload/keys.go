package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
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
		d.Kind = DistZipf
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

// zipfGen samples P(k) ∝ 1/(k+1)^s over k in [0, n) by rejection-inversion
// (Hörmann and Derflinger, "Rejection-inversion to generate variates from
// monotone discrete distributions", 1996). Unlike math/rand's Zipf it takes
// any s > 0, including s ≤ 1, and needs O(1) memory and time per draw.
type zipfGen struct {
	rng                     *rand.Rand
	n                       float64
	s                       float64
	hIntegralX1, hIntegralN float64
	sBound                  float64
}

func newZipfGen(rng *rand.Rand, n int, s float64) *zipfGen {
	g := &zipfGen{rng: rng, n: float64(n), s: s}
	g.hIntegralX1 = g.hIntegral(1.5) - 1
	g.hIntegralN = g.hIntegral(g.n + 0.5)
	g.sBound = 2 - g.hIntegralInverse(g.hIntegral(2.5)-g.h(2))
	return g
}

// next returns a key in [0, n); rank 1 of the classic formulation is key 0.
func (g *zipfGen) next() uint64 {
	for {
		u := g.hIntegralN + g.rng.Float64()*(g.hIntegralX1-g.hIntegralN)
		x := g.hIntegralInverse(u)
		k := math.Floor(x + 0.5)
		if k < 1 {
			k = 1
		} else if k > g.n {
			k = g.n
		}
		if k-x <= g.sBound || u >= g.hIntegral(k+0.5)-g.h(k) {
			return uint64(k) - 1
		}
	}
}

// h(x) = x^-s.
func (g *zipfGen) h(x float64) float64 { return math.Exp(-g.s * math.Log(x)) }

// hIntegral(x) = (x^(1-s) - 1) / (1 - s), continuous at s = 1 (log x).
func (g *zipfGen) hIntegral(x float64) float64 {
	lx := math.Log(x)
	return helper2((1-g.s)*lx) * lx
}

func (g *zipfGen) hIntegralInverse(x float64) float64 {
	t := x * (1 - g.s)
	if t < -1 {
		t = -1 // numerical safety: the argument of log1p must stay > -1
	}
	return math.Exp(helper1(t) * x)
}

// helper1(x) = log(1+x)/x, with its limit 1 at x = 0.
func helper1(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Log1p(x) / x
	}
	return 1 - x*(0.5-x*(1.0/3-0.25*x))
}

// helper2(x) = (exp(x)-1)/x, with its limit 1 at x = 0.
func helper2(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Expm1(x) / x
	}
	return 1 + x*0.5*(1+x*(1.0/3)*(1+0.25*x))
}
