package report_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/report"
)

// The cache efficiency score of DESIGN.md and its rating band.
func ExampleCacheScore() {
	s := report.CacheScore(report.CacheInputs{HitRate: 0.9, EvictionRate: 0.1, ByteUtilization: 0.5})
	fmt.Println(s, report.Rating(s))
	// Output: 92 excellent
}
