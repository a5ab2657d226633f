package monitor_test

import (
	"context"
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/monitor"
)

// A cache resync does not own reports its accesses; the report scores it
// with the CLI's formula.
func ExampleMonitor_Cache() {
	m := monitor.New(monitor.Options{})
	defer m.Close()
	sessions := m.Cache("sessions")
	for i := range 10 {
		sessions.RecordAccess(i < 9, 200*time.Nanosecond)
	}
	r, err := m.Report(context.Background())
	if err != nil {
		panic(err)
	}
	c := r.Caches["sessions"]
	fmt.Println(c.Metrics.HitRate, c.Metrics.AvgAccessNs)
	// Output: 0.9 200
}
