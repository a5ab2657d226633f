package observe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/resync-dev/resync/pkg/observe"
)

// Observe a service's database/sql pool from its Prometheus endpoint for a
// short window: the pool's counters are read at the start, every interval
// and at the end, and the window holds their deltas.
func ExampleObserve() {
	var waits atomic.Int64
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := waits.Add(5) // five more waits at every reading
		fmt.Fprintf(w, `# TYPE go_sql_max_open_connections gauge
go_sql_max_open_connections{db_name="orders"} 20
# TYPE go_sql_in_use_connections gauge
go_sql_in_use_connections{db_name="orders"} 7
# TYPE go_sql_idle_connections gauge
go_sql_idle_connections{db_name="orders"} 3
# TYPE go_sql_wait_count_total counter
go_sql_wait_count_total{db_name="orders"} %d
`, n)
	}))
	defer svc.Close()

	src := observe.NewPrometheus("metrics", svc.URL+"/metrics")
	defer src.Close()
	res := observe.Observe(context.Background(), []observe.Source{src},
		observe.Options{Window: 30 * time.Millisecond, Interval: 10 * time.Millisecond})
	for _, w := range res.Sources {
		for _, p := range w.Pools {
			fmt.Printf("%s: %d of %d in use, %d waits between two readings\n",
				p.Last.Name, p.Last.Active, p.Last.MaxSize, p.WaitCount/uint64(w.Readings-1))
		}
	}
	// Output:
	// orders: 7 of 20 in use, 5 waits between two readings
}
