package usl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func synth(m Model, ns []float64, noise float64, seed uint64) []Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	pts := make([]Point, len(ns))
	for i, n := range ns {
		x := m.Throughput(n)
		if noise > 0 {
			x *= 1 + noise*rng.NormFloat64()
		}
		pts[i] = Point{N: n, X: x}
	}
	return pts
}

func TestFitRecoversKnownParameters(t *testing.T) {
	sweep := []float64{1, 2, 4, 8, 16, 32, 64, 128}
	dense := []float64{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128}
	tests := []struct {
		name   string
		truth  Model
		ns     []float64
		noise  float64
		tolRel float64 // relative tolerance on λ and on the peak
		tolS   float64 // absolute tolerance on σ
		tolK   float64 // relative tolerance on κ
		minR2  float64
	}{
		{"exact, contention and coherency", Model{Lambda: 1000, Sigma: 0.05, Kappa: 0.0002}, sweep, 0, 1e-4, 1e-5, 1e-3, 0.9999},
		{"exact, database-like", Model{Lambda: 2500, Sigma: 0.02, Kappa: 0.00005}, dense, 0, 1e-4, 1e-5, 1e-3, 0.9999},
		{"exact, strong coherency", Model{Lambda: 120, Sigma: 0.1, Kappa: 0.01}, sweep, 0, 1e-4, 1e-5, 1e-3, 0.9999},
		{"exact, Amdahl only", Model{Lambda: 500, Sigma: 0.08, Kappa: 0}, sweep, 0, 1e-4, 1e-5, 0, 0.9999},
		{"exact, linear", Model{Lambda: 300}, sweep, 0, 1e-4, 1e-5, 0, 0.9999},
		{"1% noise", Model{Lambda: 1000, Sigma: 0.05, Kappa: 0.0002}, dense, 0.01, 0.02, 0.005, 0.1, 0.99},
		{"3% noise, peak inside the sweep", Model{Lambda: 1000, Sigma: 0.05, Kappa: 0.0002}, dense, 0.03, 0.05, 0.01, 0.3, 0.98},
	}
	for _, tt := range tests {
		seeds := []uint64{42}
		if tt.noise > 0 {
			seeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		}
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("%s/seed%d", tt.name, seed), func(t *testing.T) {
				got, err := Fit(synth(tt.truth, tt.ns, tt.noise, seed))
				if err != nil {
					t.Fatal(err)
				}
				if rel(got.Lambda, tt.truth.Lambda) > tt.tolRel {
					t.Errorf("λ = %g, want %g", got.Lambda, tt.truth.Lambda)
				}
				if math.Abs(got.Sigma-tt.truth.Sigma) > tt.tolS {
					t.Errorf("σ = %g, want %g", got.Sigma, tt.truth.Sigma)
				}
				if tt.truth.Kappa == 0 {
					if got.Kappa > 1e-6 {
						t.Errorf("κ = %g, want ≈0", got.Kappa)
					}
				} else if rel(got.Kappa, tt.truth.Kappa) > tt.tolK {
					t.Errorf("κ = %g, want %g", got.Kappa, tt.truth.Kappa)
				}
				if got.R2 < tt.minR2 {
					t.Errorf("R² = %g, want ≥ %g", got.R2, tt.minR2)
				}
				if tt.truth.Kappa > 0 && rel(got.PeakThroughput(), tt.truth.PeakThroughput()) > tt.tolRel {
					t.Errorf("peak X = %g, want %g", got.PeakThroughput(), tt.truth.PeakThroughput())
				}
				for _, p := range []float64{0, got.Lambda, got.Sigma, got.Kappa} {
					if p < 0 || math.IsNaN(p) {
						t.Errorf("parameter %g is negative or NaN", p)
					}
				}
			})
		}
	}
}

func TestPeak(t *testing.T) {
	tests := []struct {
		name  string
		m     Model
		wantN float64
		wantX float64
	}{
		// N* = √((1−0.05)/0.0002) = √4750
		{"retrograde", Model{Lambda: 1000, Sigma: 0.05, Kappa: 0.0002}, math.Sqrt(4750), 0},
		{"Amdahl asymptote λ/σ", Model{Lambda: 500, Sigma: 0.1}, math.Inf(1), 5000},
		{"linear", Model{Lambda: 500}, math.Inf(1), math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := tt.m.PeakN(); !(n == tt.wantN || rel(n, tt.wantN) < 1e-12) {
				t.Errorf("PeakN = %g, want %g", n, tt.wantN)
			}
			want := tt.wantX
			if want == 0 {
				want = tt.m.Throughput(tt.wantN)
			}
			if x := tt.m.PeakThroughput(); !(x == want || rel(x, want) < 1e-12) {
				t.Errorf("PeakThroughput = %g, want %g", x, want)
			}
		})
	}
	// The peak is a maximum: its neighbours are lower.
	m := Model{Lambda: 1000, Sigma: 0.05, Kappa: 0.0002}
	n := m.PeakN()
	if m.Throughput(n-1) >= m.Throughput(n) || m.Throughput(n+1) >= m.Throughput(n) {
		t.Errorf("X(N*) = %g is not above X(N*±1) = %g, %g", m.Throughput(n), m.Throughput(n-1), m.Throughput(n+1))
	}
}

func TestFitTooFewPoints(t *testing.T) {
	tests := [][]Point{
		nil,
		{{1, 10}, {2, 19}},
		{{1, 10}, {2, 19}, {2, 18}},         // only two distinct N
		{{1, 10}, {2, 19}, {4, 0}},          // zero throughput is ignored
		{{0, 10}, {2, 19}, {4, math.NaN()}}, // N < 1 and NaN are ignored
	}
	for _, pts := range tests {
		if _, err := Fit(pts); !errors.Is(err, ErrTooFewPoints) {
			t.Errorf("Fit(%v) error = %v, want ErrTooFewPoints", pts, err)
		}
	}
}

func TestFitSaturatingCurve(t *testing.T) {
	// A server that serves at most 8 requests at once: X = min(N, 8)·100.
	// The USL cannot bend sharply, but the fit must still be close and
	// put the plateau near 800.
	var pts []Point
	for _, n := range []float64{1, 2, 4, 8, 16, 32} {
		pts = append(pts, Point{N: n, X: math.Min(n, 8) * 100})
	}
	m, err := Fit(pts)
	if err != nil {
		t.Fatal(err)
	}
	if m.R2 < 0.95 {
		t.Errorf("R² = %g, want ≥ 0.95", m.R2)
	}
	if x := m.Throughput(32); x < 650 || x > 950 {
		t.Errorf("X(32) = %g, want near the 800 plateau", x)
	}
}

func rel(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}
