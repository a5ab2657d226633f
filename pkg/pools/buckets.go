package pools

import (
	"math"
	"time"
)

// DefaultWaitBuckets are the upper bounds, in seconds, of the acquire-wait
// distribution in Snapshot.AcquireWaitBuckets: 100 µs to 10 s, dense where
// healthy pools live. Waits above the last bound count only in the total.
// Treat it as read-only.
var DefaultWaitBuckets = []float64{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Bucket is one cumulative bucket of a distribution: how many values were
// at most UpperBoundSeconds (the Prometheus "le" bucket).
type Bucket struct {
	UpperBoundSeconds float64
	CumulativeCount   uint64
}

// buckets counts the frozen durations at or below each bound (seconds, in
// increasing order). It walks the histogram's recorded sub-buckets once, up
// to the highest value recorded. The histogram keeps two significant digits,
// so a value up to 1 % above a bound may be counted under it.
func (f frozen) buckets(bounds []float64) []Bucket {
	out := make([]Bucket, len(bounds))
	limits := make([]int64, len(bounds)) // bounds in µs, the histogram's unit
	for i, b := range bounds {
		out[i].UpperBoundSeconds = b
		limits[i] = int64(math.Round(b * float64(time.Second/time.Microsecond)))
	}
	if f.h.TotalCount() == 0 {
		return out
	}
	for _, bar := range f.h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		// The bar holds values From..To µs; it belongs to every bound
		// at or above its lowest value.
		for i := len(limits) - 1; i >= 0 && bar.From <= limits[i]; i-- {
			out[i].CumulativeCount += uint64(bar.Count)
		}
	}
	return out
}
