package shard

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Segment
		wantErr string
	}{
		{in: "1/1", want: Segment{1, 1}},
		{in: "3/4", want: Segment{3, 4}},
		{in: " 2/2 ", want: Segment{2, 2}},
		{in: "10000/10000", want: Segment{10000, 10000}},
		{in: "4", wantErr: "is not I/N"},
		{in: "a/b", wantErr: "is not I/N"},
		{in: "0/4", wantErr: "index must be 1 to 4"},
		{in: "5/4", wantErr: "index must be 1 to 4"},
		{in: "1/0", wantErr: "count must be 1 to 10000"},
		{in: "1/10001", wantErr: "count must be 1 to 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestPartSumsExactly: the N shards' parts of a total add up to it, differ
// by at most one, and the offsets are the running sums.
func TestPartSumsExactly(t *testing.T) {
	tests := []struct {
		total uint64
		n     int
		want  []uint64 // the parts, when listed
	}{
		{total: 10, n: 3, want: []uint64{3, 3, 4}},
		{total: 32, n: 4, want: []uint64{8, 8, 8, 8}},
		{total: 5, n: 5, want: []uint64{1, 1, 1, 1, 1}},
		{total: 2, n: 3, want: []uint64{0, 1, 1}},
		{total: 0, n: 2, want: []uint64{0, 0}},
		{total: 7, n: 1, want: []uint64{7}},
		{total: 1_000_000_007, n: 64},
		{total: 1<<62 + 3, n: 10_000}, // no overflow
	}
	for _, tt := range tests {
		var sum uint64
		lo, hi := tt.total, uint64(0)
		for i := 1; i <= tt.n; i++ {
			s := Segment{Index: i, Count: tt.n}
			if off := s.Offset(tt.total); off != sum {
				t.Errorf("%d/%d of %d: offset %d, want %d", i, tt.n, tt.total, off, sum)
			}
			p := s.Part(tt.total)
			if tt.want != nil && p != tt.want[i-1] {
				t.Errorf("%d/%d of %d: part %d, want %d", i, tt.n, tt.total, p, tt.want[i-1])
			}
			sum += p
			lo, hi = min(lo, p), max(hi, p)
		}
		if sum != tt.total {
			t.Errorf("%d shards of %d sum to %d", tt.n, tt.total, sum)
		}
		if hi-lo > 1 {
			t.Errorf("%d shards of %d: parts from %d to %d, want them to differ by at most 1", tt.n, tt.total, lo, hi)
		}
	}
}

// TestRateSumsExactly: rates split in thousandths add up, in thousandths,
// to the rate.
func TestRateSumsExactly(t *testing.T) {
	tests := []struct {
		rate float64
		n    int
		want []float64
	}{
		{rate: 100, n: 3, want: []float64{33.333, 33.333, 33.334}},
		{rate: 1000, n: 4, want: []float64{250, 250, 250, 250}},
		{rate: 0.5, n: 2, want: []float64{0.25, 0.25}},
		{rate: 0, n: 3, want: []float64{0, 0, 0}}, // closed model stays closed
		{rate: 999_999.999, n: 7},
	}
	for _, tt := range tests {
		var milli uint64
		for i := 1; i <= tt.n; i++ {
			r := Segment{Index: i, Count: tt.n}.Rate(tt.rate)
			if tt.want != nil && r != tt.want[i-1] {
				t.Errorf("%d/%d of %g/s: %g, want %g", i, tt.n, tt.rate, r, tt.want[i-1])
			}
			milli += uint64(r*1000 + 0.5)
		}
		if want := uint64(tt.rate*1000 + 0.5); milli != want {
			t.Errorf("%d shards of %g/s sum to %d thousandths, want %d", tt.n, tt.rate, milli, want)
		}
	}
}

func TestZeroSegmentIsTheWholeRun(t *testing.T) {
	var s Segment
	if s.Sharded() || s.String() != "1/1" || s.Part(17) != 17 || s.Offset(17) != 0 || s.Rate(2.5) != 2.5 {
		t.Errorf("zero Segment: sharded %v, %s, part %d, offset %d, rate %g", s.Sharded(), s, s.Part(17), s.Offset(17), s.Rate(2.5))
	}
}
