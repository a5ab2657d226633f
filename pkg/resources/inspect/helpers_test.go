package inspect_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// eventually runs inspect until check accepts the result or the deadline
// passes. Server ages move in whole seconds, so a state the test set up
// shows after a short, unknown wait; polling keeps the test free of timed
// assertions.
func eventually(t *testing.T, what string, run func(context.Context) (*inspect.Result, error), check func(*inspect.Result) bool) *inspect.Result {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last *inspect.Result
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r, err := run(ctx)
		cancel()
		if err != nil {
			t.Fatalf("inspect: %v", err)
		}
		last = r
		if check(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen before the deadline; last result:\n%+v", what, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func uniqueName(prefix string) string { return fmt.Sprintf("%s%d", prefix, rand.Uint32()) }

func findLeak(r *inspect.Result, key, value string) *resources.Leak {
	for i, l := range r.Leaks {
		if l.Evidence[key] == value {
			return &r.Leaks[i]
		}
	}
	return nil
}

func findGroup(gs []inspect.Group, app string) *inspect.Group {
	for i, g := range gs {
		if g.Application == app {
			return &gs[i]
		}
	}
	return nil
}
