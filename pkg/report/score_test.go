package report

import (
	"math"
	"testing"
)

const eps = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < eps }

func TestRating(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{
		{100, RatingExcellent},
		{80, RatingExcellent},
		{79.99, RatingGood},
		{60, RatingGood},
		{59.99, RatingFair},
		{40, RatingFair},
		{39.99, RatingPoor},
		{0, RatingPoor},
		{-5, RatingPoor},
	}
	for _, tt := range tests {
		if got := Rating(tt.score); got != tt.want {
			t.Errorf("Rating(%v) = %q, want %q", tt.score, got, tt.want)
		}
	}
}

func TestMemoryEfficiency(t *testing.T) {
	tests := []struct{ util, want float64 }{
		{0, 1},
		{0.5, 1},
		{0.8, 1},   // the band's edge: still full marks
		{0.9, 0.5}, // halfway down the slope
		{0.95, 0.25},
		{1, 0},
		{1.3, 0}, // over the bound
		{math.NaN(), 0},
	}
	for _, tt := range tests {
		if got := MemoryEfficiency(tt.util); !near(got, tt.want) {
			t.Errorf("MemoryEfficiency(%v) = %v, want %v", tt.util, got, tt.want)
		}
	}
}

func TestCacheScore(t *testing.T) {
	tests := []struct {
		name string
		in   CacheInputs
		want float64
	}{
		{"perfect", CacheInputs{HitRate: 1, EvictionRate: 0, ByteUtilization: 0}, 100},
		{"nothing hits, nothing evicted", CacheInputs{}, 40},
		{"worst", CacheInputs{HitRate: 0, EvictionRate: 1, ByteUtilization: 1}, 0},
		{"design example", CacheInputs{HitRate: 0.855, EvictionRate: 0.01, ByteUtilization: 0.0113}, 60*0.855 + 20*0.99 + 20},
		{"memory at 80 % bound", CacheInputs{HitRate: 0.7, EvictionRate: 0.1, ByteUtilization: 0.8}, 42 + 18 + 20},
		{"memory at 90 % bound", CacheInputs{HitRate: 0.7, EvictionRate: 0.1, ByteUtilization: 0.9}, 42 + 18 + 10},
		{"out-of-range inputs are clamped", CacheInputs{HitRate: 1.5, EvictionRate: -1, ByteUtilization: -1}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CacheScore(tt.in); !near(got, tt.want) {
				t.Errorf("CacheScore(%+v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestUtilizationScore(t *testing.T) {
	tests := []struct{ u, want float64 }{
		{0, 0},
		{0.3, 0.5},
		{0.6, 1}, // lower edge of the optimal band
		{0.59, 0.59 / 0.6},
		{0.7, 1},
		{0.8, 1}, // upper edge
		{0.9, 0.5},
		{0.95, 0.25},
		{1, 0},
		{1.2, 0},
		{-0.1, 0},
		{math.NaN(), 0},
	}
	for _, tt := range tests {
		if got := UtilizationScore(tt.u); !near(got, tt.want) {
			t.Errorf("UtilizationScore(%v) = %v, want %v", tt.u, got, tt.want)
		}
	}
}

func TestWaitScore(t *testing.T) {
	tests := []struct{ ms, want float64 }{
		{0, 1},
		{10, 1}, // ≤ 10 ms is full marks
		{55, 0.5},
		{100, 0}, // ≥ 100 ms is zero
		{250, 0},
		{-1, 1},
	}
	for _, tt := range tests {
		if got := WaitScore(tt.ms); !near(got, tt.want) {
			t.Errorf("WaitScore(%v) = %v, want %v", tt.ms, got, tt.want)
		}
	}
}

func TestErrorScore(t *testing.T) {
	tests := []struct{ rate, want float64 }{
		{0, 1},
		{0.01, 0.8},
		{0.025, 0.5},
		{0.05, 0}, // 5 % already costs every point
		{0.5, 0},
		{1, 0},
	}
	for _, tt := range tests {
		if got := ErrorScore(tt.rate); !near(got, tt.want) {
			t.Errorf("ErrorScore(%v) = %v, want %v", tt.rate, got, tt.want)
		}
	}
}

func TestPoolScore(t *testing.T) {
	tests := []struct {
		name string
		in   PoolInputs
		want float64
	}{
		{"optimal", PoolInputs{Utilization: 0.7, WaitP95Ms: 1, ErrorRate: 0}, 100},
		{"idle pool", PoolInputs{Utilization: 0, WaitP95Ms: 0, ErrorRate: 0}, 60},
		{"saturated", PoolInputs{Utilization: 1, WaitP95Ms: 100, ErrorRate: 0}, 30},
		{"unreachable", PoolInputs{Utilization: 0, WaitP95Ms: 0, ErrorRate: 1}, 30},
		{"half everywhere", PoolInputs{Utilization: 0.3, WaitP95Ms: 55, ErrorRate: 0.025}, 20 + 15 + 15},
		{"design example", PoolInputs{Utilization: 0.64, WaitP95Ms: 0.4, ErrorRate: 0}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PoolScore(tt.in); !near(got, tt.want) {
				t.Errorf("PoolScore(%+v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestPartialScoresRenormalise(t *testing.T) {
	tests := []struct {
		name     string
		got      func() (float64, string)
		want     float64
		wantNote bool
	}{
		{"cache nothing missing equals CacheScore", func() (float64, string) {
			return CacheScorePartial(CacheInputs{HitRate: 0.9, EvictionRate: 0.1, ByteUtilization: 0.9}, nil)
		}, CacheScore(CacheInputs{HitRate: 0.9, EvictionRate: 0.1, ByteUtilization: 0.9}), false},
		// hit rate 0.9 × 60 + eviction 0.9 × 20 = 72 of 80 → 90
		{"cache without memory", func() (float64, string) {
			return CacheScorePartial(CacheInputs{HitRate: 0.9, EvictionRate: 0.1}, []string{MetricMemoryEfficiency})
		}, 90, true},
		// utilization 0.7 → 1 × 40, errors 0 → 30; 70 of 70 → 100
		{"pool without wait", func() (float64, string) {
			return PoolScorePartial(PoolInputs{Utilization: 0.7, WaitP95Ms: 1000}, []string{MetricAcquireWait})
		}, 100, true},
		{"pool with everything missing", func() (float64, string) {
			return PoolScorePartial(PoolInputs{Utilization: 0.7},
				[]string{MetricAcquireWait, MetricUtilization, MetricErrorRate})
		}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note := tt.got()
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("score %v, want %v", got, tt.want)
			}
			if (note != "") != tt.wantNote {
				t.Errorf("note %q, want note: %v", note, tt.wantNote)
			}
		})
	}
}
