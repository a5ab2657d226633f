// Package zipf draws Zipf-distributed ranks for any exponent s > 0.
package zipf

import (
	"math"
	"math/rand/v2"
)

// Zipf draws ranks 1..n with P(k) ∝ 1/k^s for any s > 0, by rejection
// inversion (Hörmann & Derflinger, "Rejection-inversion to generate
// variates from monotone discrete distributions", 1996); math/rand's Zipf
// needs s > 1.
type Zipf struct {
	r                  *rand.Rand
	n                  float64
	s                  float64
	hx1, hn, threshold float64
}

// New returns a generator of ranks 1..n with exponent s > 0, drawing from r.
func New(r *rand.Rand, s float64, n uint64) *Zipf {
	z := &Zipf{r: r, n: float64(n), s: s}
	z.hx1 = z.hIntegral(1.5) - 1
	z.hn = z.hIntegral(z.n + 0.5)
	z.threshold = 2 - z.hIntegralInv(z.hIntegral(2.5)-z.h(2))
	return z
}

// Next returns a rank in [1, n].
func (z *Zipf) Next() uint64 {
	for {
		u := z.hn + z.r.Float64()*(z.hx1-z.hn)
		x := z.hIntegralInv(u)
		k := math.Floor(x + 0.5)
		k = min(max(k, 1), z.n)
		if k-x <= z.threshold || u >= z.hIntegral(k+0.5)-z.h(k) {
			return uint64(k)
		}
	}
}

func (z *Zipf) h(x float64) float64 { return math.Exp(-z.s * math.Log(x)) }

func (z *Zipf) hIntegral(x float64) float64 {
	lx := math.Log(x)
	return expm1OverX((1-z.s)*lx) * lx
}

func (z *Zipf) hIntegralInv(x float64) float64 {
	t := x * (1 - z.s)
	if t < -1 {
		t = -1 // numerical guard
	}
	return math.Exp(log1pOverX(t) * x)
}

// expm1OverX is (e^x − 1)/x, 1 at x = 0.
func expm1OverX(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Expm1(x) / x
	}
	return 1 + x/2*(1+x/3*(1+x/4))
}

// log1pOverX is ln(1 + x)/x, 1 at x = 0.
func log1pOverX(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Log1p(x) / x
	}
	return 1 - x*(1.0/2-x*(1.0/3-x/4))
}
