package reporttest_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// A test of a program that reads resync's JSON can check its fixtures
// against the published schema.
func ExampleMatchesSchema() {
	err := reporttest.MatchesSchema(report.SchemaReport, []byte(`{"schema_version": 1}`))
	fmt.Println(err != nil)
	// Output: true
}
