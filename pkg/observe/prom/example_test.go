package prom_test

import (
	"fmt"
	"strings"

	"github.com/resync-dev/resync/pkg/observe/prom"
)

// Decode reduces an exposition to the pools and caches resync knows: here
// a database/sql pool as client_golang's DBStats collector exposes it.
func ExampleDecode() {
	body := `# TYPE go_sql_max_open_connections gauge
go_sql_max_open_connections{db_name="orders"} 20
# TYPE go_sql_in_use_connections gauge
go_sql_in_use_connections{db_name="orders"} 7
# TYPE go_sql_idle_connections gauge
go_sql_idle_connections{db_name="orders"} 3
# TYPE go_sql_wait_count_total counter
go_sql_wait_count_total{db_name="orders"} 42
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
`
	snap, err := prom.Decode(strings.NewReader(body), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range snap.Entities {
		fmt.Println(e.Key(), e.Values["in_use"], "in use of", e.Values["max"])
	}
	fmt.Println("ignored:", snap.Ignored)
	// Output:
	// pool/sql/orders 7 in use of 20
	// ignored: [process_cpu_seconds_total]
}
