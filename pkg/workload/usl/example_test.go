package usl_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/workload/usl"
)

// Fit the Universal Scalability Law to throughput measured at a few pool
// sizes, and read the size where throughput peaks.
func ExampleFit() {
	m, err := usl.Fit([]usl.Point{{N: 1, X: 100}, {N: 2, X: 190}, {N: 4, X: 330}, {N: 8, X: 440}, {N: 16, X: 410}, {N: 32, X: 300}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("peak %.0f ops/s at %.1f connections (R² %.2f)\n", m.PeakThroughput(), m.PeakN(), m.R2)
	// Output:
	// peak 448 ops/s at 10.5 connections (R² 1.00)
}
