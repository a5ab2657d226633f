package workload

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestFailFast(t *testing.T) {
	bad := errors.New(`ERROR: syntax error at or near "SELEC" (SQLSTATE 42601)`)
	tests := []struct {
		name string
		op   func(n int64) error // n: the operation's number, from 1
		rate float64
		stop bool
	}{
		{"every operation fails alike", func(int64) error { return bad }, 0, true},
		{"open model, every operation fails alike", func(int64) error { return bad }, 2000, true},
		{"one success among the first", func(n int64) error {
			if n == 3 {
				return nil
			}
			return bad
		}, 0, false},
		{"different messages", func(n int64) error { return fmt.Errorf("ERR row %d is locked", n%2) }, 0, false},
		{"timeouts may pass", func(int64) error { return context.DeadlineExceeded }, 0, false},
		{"refusals may pass", func(int64) error { return errors.New("dial tcp: connection refused") }, 0, false},
		{"all succeed", func(int64) error { return nil }, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			op := func(context.Context) error { return tt.op(n.Add(1)) }
			res, err := Run(t.Context(), Options{Name: "database", Op: op, Concurrency: 1, Rate: tt.rate,
				Duration: 300 * time.Millisecond, FailFast: 10})
			var ff *FailFastError
			switch {
			case !tt.stop && err != nil:
				t.Fatalf("stopped: %v", err)
			case !tt.stop:
				if res.Partial {
					t.Errorf("result partial without a stop")
				}
				return
			case !errors.As(err, &ff):
				t.Fatalf("error %v, want a *FailFastError", err)
			}
			if ff.Name != "database" || ff.Ops != 10 || !errors.Is(err, bad) {
				t.Errorf("fail fast %+v", ff)
			}
			if res == nil || !res.Partial {
				t.Errorf("result %+v: want it returned, partial", res)
			}
			// One worker: nothing starts after the 10th alike failure.
			if got := n.Load(); got > 12 {
				t.Errorf("%d operations ran after the 10th alike failure", got-10)
			}
		})
	}
}

func TestFailFastValidate(t *testing.T) {
	err := Options{Op: func(context.Context) error { return nil }, FailFast: -1}.Validate()
	if !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("FailFast -1: %v, want ErrInvalidOptions", err)
	}
}
