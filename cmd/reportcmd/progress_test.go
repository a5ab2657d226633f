package reportcmd

import (
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/workload"
)

// The progress line shows each pool's own operations per second and
// errors, and the cache hits apart: before, cache hits were summed into
// the pools' ops/s ("1.9M ops/s across 3 pools").
func TestProgressLine(t *testing.T) {
	tests := []struct {
		name   string
		latest map[string]workload.Progress
		want   string
	}{
		{"pools only", map[string]workload.Progress{
			"redis": {Rate: 40000}, "database": {Rate: 1234.4},
		}, "3s / 10s · database 1,234 ops/s · redis 40,000 ops/s"},
		{"cache hits apart", map[string]workload.Progress{
			"database":  {Rate: 900, HitRate: 600000},
			"database2": {Rate: 100, Errors: 3, HitRate: 1300000},
			"redis":     {Rate: 5000},
		}, "3s / 10s · database 900 ops/s · database2 100 ops/s (3 errors) · redis 5,000 ops/s · cache 1,900,000 hits/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := progressLine(3500*time.Millisecond, 10*time.Second, tt.latest); got != tt.want {
				t.Errorf("progressLine =\n%q, want\n%q", got, tt.want)
			}
		})
	}
}
