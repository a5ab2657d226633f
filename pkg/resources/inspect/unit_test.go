package inspect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
)

func TestIsOwn(t *testing.T) {
	for name, want := range map[string]bool{
		"resync": true, "resync-pool": true, "resync/report": true, "resync:1": true,
		"": false, "resyncer": false, "Resync": false, "my-resync": false, "resy": false,
	} {
		if got := inspect.IsOwn(name); got != want {
			t.Errorf("IsOwn(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestInspectKinds(t *testing.T) {
	tests := []struct{ url, err string }{
		{"http://u:s3cret@example.test", "a http target cannot be inspected"},
		{"not a url", "no scheme"},
		{"ftp://u:s3cret@h", `unsupported scheme "ftp"`},
	}
	for _, tt := range tests {
		_, err := inspect.Inspect(context.Background(), target.Target{URL: tt.url}, inspect.Options{MaxLifetime: time.Hour})
		if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Inspect(%q): %v; want %q without the password", tt.url, err, tt.err)
		}
	}
}

func TestGrowing(t *testing.T) {
	tests := []struct {
		counts []int
		want   bool
	}{
		{[]int{2, 3, 4}, true},
		{[]int{2, 2, 3}, true},          // rose in 1 of 2 intervals
		{[]int{1, 2, 2, 2, 3}, true},    // 2 of 4
		{[]int{2, 2, 2, 2, 3}, false},   // 1 of 4: mostly flat
		{[]int{2, 3, 2, 4}, false},      // a decrease: a pool breathing, not a leak
		{[]int{5, 5, 5}, false},         // flat
		{[]int{2, 9}, false},            // too few samples
		{[]int{0, 1, 2, 3, 4, 5}, true}, // appeared and grew
		{nil, false},
	}
	for _, tt := range tests {
		if got := inspect.Growing(tt.counts); got != tt.want {
			t.Errorf("Growing(%v) = %v, want %v", tt.counts, got, tt.want)
		}
	}
}

func TestDetectGrowth(t *testing.T) {
	t0 := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	sample := func(i int, groups ...inspect.Group) *inspect.Result {
		return &inspect.Result{Name: "redis", Reachable: true, SampledAt: t0.Add(time.Duration(i) * 10 * time.Second), Clients: groups}
	}
	worker := func(n int) inspect.Group {
		return inspect.Group{Application: "worker", User: "app", Client: "10.0.0.7", Count: n}
	}
	steady := func(n int) inspect.Group {
		return inspect.Group{Application: "api", User: "app", Client: "10.0.0.8", Count: n}
	}
	samples := []*inspect.Result{
		sample(0, steady(10)),
		sample(1, worker(2), steady(11)),
		{Name: "redis", Reachable: false}, // an unreachable sample is skipped
		sample(2, worker(5), steady(10)),
		sample(3, worker(9), steady(10)),
	}
	leaks := inspect.DetectGrowth(samples)
	if len(leaks) != 1 {
		t.Fatalf("leaks = %+v, want only the worker", leaks)
	}
	l := leaks[0]
	if l.Kind != inspect.LeakGrowingConnections || l.Owner != "worker" || l.Source != "redis" ||
		l.Evidence["counts"] != "0 → 2 → 5 → 9" || l.Evidence["growth"] != "+9 in 30s" || l.Lifetime != 30*time.Second {
		t.Errorf("leak = %+v", l)
	}
	if inspect.DetectGrowth(samples[:2]) != nil {
		t.Error("two samples are too few to judge growth")
	}
}

func TestOptionsValidation(t *testing.T) {
	_, err := inspect.Inspect(context.Background(), target.Target{Kind: target.Postgres, URL: "postgres://u@127.0.0.1:1/db"}, inspect.Options{})
	if err == nil || !strings.Contains(err.Error(), "MaxLifetime") {
		t.Fatalf("err = %v, want a MaxLifetime error", err)
	}
}

func TestSQLiteIsNotInspected(t *testing.T) {
	r, err := inspect.Inspect(context.Background(), target.Target{Name: "database", URL: "sqlite://app.db"}, inspect.Options{MaxLifetime: time.Hour})
	if err != nil || len(r.Findings) != 1 || r.Findings[0].Code != inspect.FindingNotInspected || r.LeakCount() != 0 || r.Name != "database" {
		t.Fatalf("result %+v, err %v", r, err)
	}
}

// An unreachable server is a result with a critical finding and a redacted
// error, never a password.
func TestUnreachable(t *testing.T) {
	for _, u := range []string{
		"postgres://app:s3cret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"mysql://app:s3cret-pw@127.0.0.1:1/db?timeout=2s",
		"redis://:s3cret-pw@127.0.0.1:1/0",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r, err := inspect.Inspect(ctx, target.Target{URL: u}, inspect.Options{MaxLifetime: time.Hour})
		cancel()
		if err == nil || r == nil {
			t.Fatalf("%s: err %v result %v, want both", u, err, r)
		}
		all := err.Error() + r.Error + r.URL
		for _, f := range r.Findings {
			all += f.Message + f.Fix
		}
		if strings.Contains(all, "s3cret-pw") {
			t.Errorf("%s: password leaked: %s", r.Kind, all)
		}
		if r.Reachable || len(r.Findings) != 1 || r.Findings[0].Code != inspect.FindingUnreachable || r.Severity != "critical" {
			t.Errorf("%s: result %+v, want unreachable with one critical finding", r.Kind, r)
		}
	}
}
