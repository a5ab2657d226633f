package workload

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// RunAll runs every workload at once, each with its own workers, and keeps
// the order of its input.
func TestRunAll(t *testing.T) {
	var a, b atomic.Int64
	both := make(chan struct{})
	var arrived atomic.Int32
	// Each op of the first workload waits until the second has started,
	// so the test only ends if the two really run at the same time.
	rendezvous := func(ctx context.Context) error {
		if arrived.Add(1) == 2 {
			close(both)
		}
		select {
		case <-both:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	first := func(ctx context.Context) error {
		if a.Add(1) == 1 {
			return rendezvous(ctx)
		}
		return nil
	}
	second := func(ctx context.Context) error {
		if b.Add(1) == 1 {
			return rendezvous(ctx)
		}
		return nil
	}
	res, err := RunAll(context.Background(), []Options{
		{Name: "a", Op: first, Concurrency: 1, Requests: 10},
		{Name: "b", Op: second, Concurrency: 1, Requests: 20, OpTimeout: time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Name != "a" || res[1].Name != "b" || res[0].Operations != 10 || res[1].Operations != 20 {
		t.Errorf("results %+v %+v", res[0], res[1])
	}
	_, err = RunAll(context.Background(), []Options{{Name: "ok", Op: first}, {Name: "broken", Op: first, Concurrency: -1}})
	if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), "workload broken") {
		t.Errorf("RunAll with bad options: %v", err)
	}
}
