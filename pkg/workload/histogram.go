package workload

import (
	"fmt"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// The geometry of every latency histogram of a run (Result.LatencyHist):
// nanoseconds from HistLowestNs to HistHighestNs (one hour) at HistDigits
// significant digits. Longer latencies are recorded as one hour and counted
// in Result.Clamped, so merging two runs' histograms never drops a value.
const (
	HistLowestNs  = histLowest
	HistHighestNs = histHighest
	HistDigits    = histDigits
)

// NewHistogram is an empty latency histogram in the runs' geometry.
func NewHistogram() *hdrhistogram.Histogram { return newHistogram() }

// CheckHistogram refuses a histogram (read back from a file) of another
// geometry than NewHistogram's: merging it could lose values.
func CheckHistogram(h *hdrhistogram.Histogram) error {
	if h.LowestTrackableValue() != HistLowestNs || h.HighestTrackableValue() != HistHighestNs ||
		h.SignificantFigures() != HistDigits {
		return fmt.Errorf("latency histogram range %d–%d ns at %d digits, want %d–%d ns at %d digits",
			h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures(),
			int64(HistLowestNs), HistHighestNs, HistDigits)
	}
	return nil
}

// LatencyOf summarises a latency histogram as Result.Latency and
// Result.LatencyHistogram do.
func LatencyOf(h *hdrhistogram.Histogram) (Quantiles, []LatencyBin) {
	return quantilesOf(h), binsOf(h, LatencyBounds)
}
