// Package usl fits Gunther's Universal Scalability Law to measured
// throughput:
//
//	X(N) = λN / (1 + σ(N−1) + κN(N−1))
//
// where N is the concurrency (here: the pool size), λ the throughput of one
// unit of concurrency without any contention, σ the contention (the
// serialised share of the work, Amdahl's law) and κ the coherency cost
// (pairwise crosstalk, which makes throughput fall past a peak). With κ > 0
// and σ < 1 the peak is at N* = √((1−σ)/κ).
package usl

import (
	"errors"
	"fmt"
	"math"
)

// Point is one measurement: throughput X at concurrency N.
type Point struct {
	N float64 `json:"n"`
	X float64 `json:"x"`
}

// Model is a fitted curve.
type Model struct {
	Lambda float64 `json:"lambda"` // throughput per unit of concurrency, uncontended
	Sigma  float64 `json:"sigma"`  // contention
	Kappa  float64 `json:"kappa"`  // coherency
	// R2 is the coefficient of determination of the fit (1 is perfect).
	R2 float64 `json:"r2"`
}

// Throughput is X(n) under the model.
func (m Model) Throughput(n float64) float64 {
	return m.Lambda * n / (1 + m.Sigma*(n-1) + m.Kappa*n*(n-1))
}

// PeakN is the concurrency of peak throughput, √((1−σ)/κ), or +Inf when the
// curve never turns down (κ = 0 or σ ≥ 1).
func (m Model) PeakN() float64 {
	if m.Kappa <= 0 || m.Sigma >= 1 {
		return math.Inf(1)
	}
	return math.Sqrt((1 - m.Sigma) / m.Kappa)
}

// PeakThroughput is X at PeakN, or the asymptote λ/σ when the curve never
// turns down (+Inf when σ is 0 too: linear scaling).
func (m Model) PeakThroughput() float64 {
	n := m.PeakN()
	if math.IsInf(n, 1) {
		if m.Sigma <= 0 {
			return math.Inf(1)
		}
		return m.Lambda / m.Sigma
	}
	return m.Throughput(n)
}

// ErrTooFewPoints means the fit needs at least three distinct
// concurrencies with positive throughput.
var ErrTooFewPoints = errors.New("usl: need at least 3 points with distinct N ≥ 1 and positive throughput")

// Fit finds λ, σ, κ ≥ 0 minimising the squared error of X. It searches a
// logarithmic grid over σ and κ (λ has a closed form for fixed σ, κ: the
// model is linear in λ), then refines the best cell with a projected
// Levenberg–Marquardt on all three parameters.
func Fit(points []Point) (Model, error) {
	pts := make([]Point, 0, len(points))
	distinct := map[float64]bool{}
	for _, p := range points {
		if p.N >= 1 && p.X > 0 && !math.IsInf(p.X, 0) && !math.IsNaN(p.X) {
			pts = append(pts, p)
			distinct[p.N] = true
		}
	}
	if len(distinct) < 3 {
		return Model{}, fmt.Errorf("%w (got %d)", ErrTooFewPoints, len(distinct))
	}
	best := gridSearch(pts)
	best = refine(pts, best)
	best.R2 = rSquared(pts, best)
	return best, nil
}

// shape is N/(1+σ(N−1)+κN(N−1)): X divided by λ.
func shape(n, sigma, kappa float64) float64 {
	return n / (1 + sigma*(n-1) + kappa*n*(n-1))
}

// bestLambda is the least-squares λ for fixed σ, κ: Σ X·g / Σ g².
func bestLambda(pts []Point, sigma, kappa float64) float64 {
	var num, den float64
	for _, p := range pts {
		g := shape(p.N, sigma, kappa)
		num += p.X * g
		den += g * g
	}
	if den == 0 {
		return 0
	}
	return num / den
}

func sse(pts []Point, m Model) float64 {
	var s float64
	for _, p := range pts {
		d := p.X - m.Throughput(p.N)
		s += d * d
	}
	return s
}

func rSquared(pts []Point, m Model) float64 {
	var mean float64
	for _, p := range pts {
		mean += p.X
	}
	mean /= float64(len(pts))
	var tot float64
	for _, p := range pts {
		tot += (p.X - mean) * (p.X - mean)
	}
	if tot == 0 {
		return 1
	}
	return 1 - sse(pts, m)/tot
}

// gridSearch tries σ and κ on logarithmic grids (plus zero) with the
// closed-form λ and returns the best.
func gridSearch(pts []Point) Model {
	sigmas := logGrid(1e-6, 10, 64)
	kappas := logGrid(1e-9, 1, 64)
	best := Model{}
	bestErr := math.Inf(1)
	for _, s := range sigmas {
		for _, k := range kappas {
			m := Model{Lambda: bestLambda(pts, s, k), Sigma: s, Kappa: k}
			if e := sse(pts, m); e < bestErr {
				best, bestErr = m, e
			}
		}
	}
	return best
}

// logGrid returns 0 followed by n values spaced logarithmically in [lo, hi].
func logGrid(lo, hi float64, n int) []float64 {
	out := []float64{0}
	step := math.Log(hi/lo) / float64(n-1)
	for i := range n {
		out = append(out, lo*math.Exp(step*float64(i)))
	}
	return out
}

// refine runs a projected Levenberg–Marquardt from m: the Jacobian of the
// residuals is analytic, parameters are clamped at zero after each step,
// and a step is kept only when it lowers the error.
func refine(pts []Point, m Model) Model {
	cur := sse(pts, m)
	mu := 1e-3
	for iter := 0; iter < 200; iter++ {
		// Normal equations (JᵀJ + μ·diag(JᵀJ)) δ = Jᵀr for p = (λ, σ, κ).
		var jtj [3][3]float64
		var jtr [3]float64
		for _, p := range pts {
			d := 1 + m.Sigma*(p.N-1) + m.Kappa*p.N*(p.N-1)
			j := [3]float64{
				p.N / d,
				-m.Lambda * p.N * (p.N - 1) / (d * d),
				-m.Lambda * p.N * p.N * (p.N - 1) / (d * d),
			}
			r := p.X - m.Lambda*p.N/d
			for a := range 3 {
				jtr[a] += j[a] * r
				for b := range 3 {
					jtj[a][b] += j[a] * j[b]
				}
			}
		}
		improved := false
		for try := 0; try < 10; try++ {
			a := jtj
			for k := range 3 {
				a[k][k] += mu * math.Max(jtj[k][k], 1e-12)
			}
			delta, ok := solve3(a, jtr)
			if !ok {
				mu *= 10
				continue
			}
			next := Model{
				Lambda: math.Max(0, m.Lambda+delta[0]),
				Sigma:  math.Max(0, m.Sigma+delta[1]),
				Kappa:  math.Max(0, m.Kappa+delta[2]),
			}
			if e := sse(pts, next); e < cur {
				rel := (cur - e) / math.Max(cur, 1e-300)
				m, cur = next, e
				mu = math.Max(mu/10, 1e-12)
				improved = true
				if rel < 1e-12 {
					return m
				}
				break
			}
			mu *= 10
		}
		if !improved {
			return m
		}
	}
	return m
}

// solve3 solves a 3×3 linear system by Gaussian elimination with partial
// pivoting.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	for col := range 3 {
		piv := col
		for r := col + 1; r < 3; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-300 {
			return [3]float64{}, false
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < 3; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < 3; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [3]float64
	for r := 2; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < 3; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}
