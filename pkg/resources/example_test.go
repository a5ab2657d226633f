package resources_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

// Scope acquires a resource, runs a function with it and always releases
// it, like the spec's "async with resource_scope(pool, 'database', create)".
func ExampleScope() {
	tr := resources.New(resources.Options{MaxResources: 100})
	dir, _ := os.MkdirTemp("", "scope")
	defer os.RemoveAll(dir)

	err := resources.Scope(context.Background(), tr, "file", "exporter",
		func(context.Context) (*os.File, error) { return os.Create(filepath.Join(dir, "out.txt")) },
		(*os.File).Close,
		func(_ context.Context, f *os.File) error {
			_, err := fmt.Fprintln(f, "hello")
			fmt.Println("active while writing:", tr.Active())
			return err
		})
	fmt.Println("error:", err, "active after:", tr.Active())
	// Output:
	// active while writing: 1
	// error: <nil> active after: 0
}

// A Batch releases everything it holds, newest first; when one acquisition
// fails, what was acquired before it is rolled back at once.
func ExampleBatch() {
	tr := resources.New(resources.Options{})
	open := func(name string, fail bool) func(context.Context) (string, error) {
		return func(context.Context) (string, error) {
			if fail {
				return "", errors.New("connection refused")
			}
			fmt.Println("open", name)
			return name, nil
		}
	}
	closeRes := func(name string) error { fmt.Println("close", name); return nil }

	ctx := context.Background()
	b := resources.NewBatch(tr, "import-job")
	_, _ = resources.Acquire(ctx, b, "postgres", open("postgres", false), closeRes)
	_, _ = resources.Acquire(ctx, b, "redis", open("redis", false), closeRes)
	_, err := resources.Acquire(ctx, b, "http", open("http", true), closeRes)
	fmt.Println(err)
	fmt.Println("active:", tr.Active())
	// Output:
	// open postgres
	// open redis
	// close redis
	// close postgres
	// acquire http: connection refused
	// active: 0
}

// RunBatch is the batch as a block: it is closed when the function returns,
// with or without an error, or panics.
func ExampleRunBatch() {
	err := resources.RunBatch(context.Background(), nil, "job", func(ctx context.Context, b *resources.Batch) error {
		for _, name := range []string{"conn1", "file1"} {
			err := b.Add(ctx, name,
				func(context.Context) error { fmt.Println("acquire", name); return nil },
				func() error { fmt.Println("release", name); return nil })
			if err != nil {
				return err
			}
		}
		fmt.Println("use resources")
		return nil
	})
	fmt.Println("error:", err)
	// Output:
	// acquire conn1
	// acquire file1
	// use resources
	// release file1
	// release conn1
	// error: <nil>
}

// DetectLeaks reports resources held longer than a threshold; one released
// after being reported comes back once as resolved: a slow holder.
func ExampleTracker_DetectLeaks() {
	clk := newFakeClock()
	tr := resources.New(resources.Options{Clock: clk.Now})
	slow, _ := tr.Register("postgres", "nightly-report")
	clk.Advance(10 * time.Minute)
	_, _ = tr.Register("redis", "session-handler")
	clk.Advance(80 * time.Minute)

	for _, l := range tr.DetectLeaks(time.Hour) {
		fmt.Printf("%s %s held by %s for %v\n", l.Severity, l.Kind, l.Owner, l.Lifetime)
	}
	clk.Advance(5 * time.Minute)
	tr.Release(slow)
	for _, l := range tr.DetectLeaks(time.Hour) {
		fmt.Printf("%s %s held by %s for %v resolved=%v\n", l.Severity, l.Kind, l.Owner, l.Lifetime, l.Resolved)
	}
	// Output:
	// warning postgres held by nightly-report for 1h30m0s
	// warning redis held by session-handler for 1h20m0s
	// warning redis held by session-handler for 1h25m0s resolved=false
	// info postgres held by nightly-report for 1h35m0s resolved=true
}

// Stats gives counts and lifetime percentiles by kind. Percentiles come from
// a log-linear histogram, so 2s reads as 1.9s (within ±6.25 %).
func ExampleTracker_Stats() {
	clk := newFakeClock()
	tr := resources.New(resources.Options{Clock: clk.Now})
	for i := 0; i < 4; i++ {
		id, _ := tr.Register("http", "client")
		clk.Advance(2 * time.Second)
		tr.Release(id)
	}
	_, _ = tr.Register("http", "client")
	s := tr.Stats().ByKind["http"]
	fmt.Printf("created %d released %d active %d peak %d p50 %.1fs\n",
		s.Created, s.Released, s.Active, s.PeakActive, s.LifetimeP50)
	// Output:
	// created 5 released 4 active 1 peak 1 p50 1.9s
}
