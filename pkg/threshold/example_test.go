package threshold_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/threshold"
)

// A gate on a run's final figures: each threshold is checked against every
// cache and pool it names, and missing data never passes.
func ExampleEvaluate() {
	var ts []threshold.Threshold
	for _, expr := range []string{"redis.p99<5ms", "*.error_rate<1%", "nosuch.p99<5ms"} {
		th, err := threshold.Parse(expr)
		if err != nil {
			fmt.Println(err)
			return
		}
		ts = append(ts, th)
	}
	run := []threshold.Subject{
		{Name: "redis", Kind: threshold.KindPool, Values: map[string]float64{"p99": 3.2, "error_rate": 0}},
		{Name: "database", Kind: threshold.KindPool, Values: map[string]float64{"p99": 41, "error_rate": 0.02}},
	}
	for _, r := range threshold.Evaluate(ts, run) {
		line := fmt.Sprintf("%-15s %-8s ok=%v", r.Expr, r.Subject, r.OK)
		if r.Reason != "" {
			line += " (" + r.Reason + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// redis.p99<5ms   redis    ok=true
	// *.error_rate<1% database ok=false
	// *.error_rate<1% redis    ok=true
	// nosuch.p99<5ms  nosuch   ok=false (no cache or pool named "nosuch" in this run (names: database, redis))
}

// A bad expression names the token and the choices.
func ExampleParse() {
	_, err := threshold.Parse("redis.p999<5ms")
	fmt.Println(err)
	// Output:
	// unknown metric "p999" in threshold 'redis.p999<5ms'; metrics: p50, p95, p99, max, acquire_p95, acquire_p99, error_rate, throughput, utilization, hit_rate, eviction_rate, score
}
