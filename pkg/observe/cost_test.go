package observe

import (
	"context"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
)

// TestReadingCost: a reading sends the documented number of queries
// (docs/observe.md, "Cost on the server"): Redis one INFO (Redis 7+),
// PostgreSQL one SELECT after a connect that warms the backend (one more
// run, and pg_stat_force_next_flush() on 15+), MySQL two SHOW GLOBAL. The
// bytes read back are logged for bench/README.md (-v).
func TestReadingCost(t *testing.T) {
	pg, err := NewPostgres("database", testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	my, err := NewMySQL("database", testenv.MySQLURL(t))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewRedis("redis", testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		src          Source
		first, later []int // queries of the first reading: one of first; of the later ones: one of later
	}{
		{pg, []int{2, 3}, []int{1}},
		{my, []int{2}, []int{2}},
		{rd, []int{1, 6}, []int{1, 5}}, // 6: a failed multi-section INFO, then one per section
	} {
		t.Run(tt.src.Name(), func(t *testing.T) {
			defer tt.src.Close()
			for i := range 3 {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				r, err := tt.src.Snapshot(ctx)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				want := tt.later
				if i == 0 {
					want = tt.first
				}
				ok := false
				for _, w := range want {
					ok = ok || r.Queries == w
				}
				if !ok {
					t.Errorf("reading %d sent %d queries, want one of %v", i, r.Queries, want)
				}
				t.Logf("%s reading %d: %d queries, %d bytes of values read back", tt.src.Name(), i, r.Queries, r.Bytes)
			}
		})
	}
}
