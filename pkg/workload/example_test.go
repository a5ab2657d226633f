package workload_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/resync-dev/resync/pkg/workload"
)

// Drive an operation with 4 workers for a fixed number of requests; every
// tenth one fails, and the result counts and classifies the errors.
func ExampleRun() {
	var n atomic.Int64
	res, err := workload.Run(context.Background(), workload.Options{
		Name:        "demo",
		Concurrency: 4,
		Requests:    1000,
		Op: func(context.Context) error {
			if n.Add(1)%10 == 0 {
				return errors.New("boom")
			}
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Name, res.Model, res.Operations, "operations,", res.Succeeded, "succeeded, error rate", res.ErrorRate)
	// Output:
	// demo closed 1000 operations, 900 succeeded, error rate 0.1
}
