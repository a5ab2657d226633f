package workload

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// RunAll runs one workload per Options at the same time — each target with
// its own workers — and returns the results in the same order. Every
// Options is validated before anything runs; the first problem is returned
// naming the workload. The error after the run joins the workloads'
// *FailFastError (see Options.FailFast); their results are still returned.
func RunAll(ctx context.Context, opts []Options) ([]*Result, error) {
	for i, o := range opts {
		if err := o.Validate(); err != nil {
			name := o.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			return nil, fmt.Errorf("workload %s: %w", name, err)
		}
	}
	results := make([]*Result, len(opts))
	errs := make([]error, len(opts))
	var wg sync.WaitGroup
	for i, o := range opts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Run(ctx, o) // validated above: only *FailFastError
		}()
	}
	wg.Wait()
	return results, errors.Join(errs...)
}
