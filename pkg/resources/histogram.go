package resources

import (
	"math"
	"math/bits"
)

// lifetimeHist is a log-linear histogram of nanosecond durations: values
// below 8 get a bucket each, above that every power of two is split into 8
// equal sub-buckets. A quantile is reported as its bucket's midpoint, which
// is within 1/16 (6.25 %) of every value in the bucket. Recording is a few
// shifts and one increment; the shard lock already held by Release guards it.
type lifetimeHist struct {
	counts [histBuckets]uint64
	total  uint64
}

const (
	histSubBits = 3
	histSub     = 1 << histSubBits // sub-buckets per power of two
	histBuckets = (64-histSubBits+1)*histSub + histSub
)

// histIndex maps a value to its bucket.
func histIndex(v uint64) int {
	if v < histSub {
		return int(v)
	}
	e := bits.Len64(v) - 1 // 2^e <= v < 2^(e+1), e >= histSubBits
	sub := (v >> (e - histSubBits)) & (histSub - 1)
	return (e-histSubBits+1)*histSub + int(sub)
}

// histBounds returns the smallest value of bucket i and its width.
func histBounds(i int) (lo, width float64) {
	if i < histSub {
		return float64(i), 1
	}
	e := i/histSub + histSubBits - 1
	sub := i % histSub
	width = math.Ldexp(1, e-histSubBits)
	lo = math.Ldexp(1, e) + float64(sub)*width
	return lo, width
}

func (h *lifetimeHist) record(v int64) {
	if v < 0 {
		v = 0
	}
	h.counts[histIndex(uint64(v))]++
	h.total++
}

func (h *lifetimeHist) merge(o *lifetimeHist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
}

// quantile returns the value at q (0–1) in nanoseconds: the midpoint of the
// bucket holding the ceil(q·n)-th smallest value, 0 when empty.
func (h *lifetimeHist) quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, w := histBounds(i)
			if w == 1 {
				return lo
			}
			return lo + w/2
		}
	}
	return 0
}
