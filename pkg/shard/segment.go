// Package shard splits a load run into N shards that add up exactly to the
// unsharded run, writes each shard's result file (counters, series and the
// HDR histograms in HdrHistogram's compressed encoding) and merges N result
// files into one report.Input, from which report.Build computes the same
// scores, recommendations and health as for a single run.
package shard

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxCount bounds N in --shard I/N.
const MaxCount = 10_000

// Segment is shard Index of Count, 1-based, as --shard I/N gives it. The
// zero Segment is the unsharded run (1/1).
//
// Like k6's execution segments, shard I owns the fraction ((I−1)/N, I/N] of
// every integer quantity: of a total T it gets ⌊T·I/N⌋ − ⌊T·(I−1)/N⌋, so the
// N parts differ by at most one and always sum to T exactly.
type Segment struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Parse reads "I/N" (1 ≤ I ≤ N ≤ MaxCount).
func Parse(s string) (Segment, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Segment{}, fmt.Errorf("%q is not I/N: use for example 1/4 for the first of four shards", s)
	case n < 1 || n > MaxCount:
		return Segment{}, fmt.Errorf("%q: the shard count must be 1 to %d", s, MaxCount)
	case i < 1 || i > n:
		return Segment{}, fmt.Errorf("%q: the shard index must be 1 to %d", s, n)
	}
	return Segment{Index: i, Count: n}, nil
}

// norm is s with the zero Segment as 1/1.
func (s Segment) norm() Segment {
	if s.Count == 0 {
		return Segment{Index: 1, Count: 1}
	}
	return s
}

// String is "I/N".
func (s Segment) String() string {
	s = s.norm()
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Sharded reports whether s is a part of a run split in more than one.
func (s Segment) Sharded() bool { return s.norm().Count > 1 }

// upTo is ⌊total·i/n⌋ without overflow for any total below 2^63/n.
func upTo(total uint64, i, n int) uint64 {
	q, r := total/uint64(n), total%uint64(n)
	return q*uint64(i) + r*uint64(i)/uint64(n)
}

// Part is the shard's part of an integer total (workers, requests).
func (s Segment) Part(total uint64) uint64 {
	s = s.norm()
	return upTo(total, s.Index, s.Count) - upTo(total, s.Index-1, s.Count)
}

// Offset is the sum of the parts of the shards before s: the index its
// first worker has in the unsharded run.
func (s Segment) Offset(total uint64) uint64 {
	s = s.norm()
	return upTo(total, s.Index-1, s.Count)
}

// RateStep is the unit a rate is split in: shards get whole multiples of
// a thousandth of an operation per second.
const RateStep = 1.0 / 1000

// Rate is the shard's part of an arrival rate (operations per second):
// the rate in thousandths of an operation per second, split as Part
// splits integers, so the parts add up to the rate rounded to RateStep.
func (s Segment) Rate(rate float64) float64 {
	if rate <= 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		return rate
	}
	milli := uint64(math.Round(rate / RateStep))
	return float64(s.Part(milli)) / 1000
}
