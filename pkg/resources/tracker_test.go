package resources_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

func TestRegisterRelease(t *testing.T) {
	tr := resources.New(resources.Options{})
	seen := map[uint64]bool{}
	var ids []uint64
	for i := 0; i < 1000; i++ {
		id, err := tr.Register("postgres", "pool")
		if err != nil {
			t.Fatal(err)
		}
		if id == 0 || seen[id] {
			t.Fatalf("Register returned id %d (zero or duplicate)", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if got := tr.Active(); got != 1000 {
		t.Fatalf("Active = %d, want 1000", got)
	}
	for _, id := range ids[:400] {
		tr.Release(id)
		tr.Release(id) // a second release is ignored
	}
	tr.Release(0)       // unknown ids are ignored
	tr.Release(1 << 40) // never issued
	if got := tr.Active(); got != 600 {
		t.Fatalf("Active after 400 releases = %d, want 600", got)
	}
	st := tr.Stats()
	ks := st.ByKind["postgres"]
	if ks.Created != 1000 || ks.Released != 400 || ks.Active != 600 || ks.PeakActive != 1000 || st.Active != 600 {
		t.Fatalf("Stats = %+v (kind %+v), want created 1000 released 400 active 600 peak 1000", st, ks)
	}
}

func TestStatsByKind(t *testing.T) {
	clk := newFakeClock()
	tr := resources.New(resources.Options{Clock: clk.Now})
	// 100 "redis" resources with lifetimes 1s..100s, released one per second
	// in creation order; 3 "file" resources never released.
	var ids []uint64
	for i := 0; i < 100; i++ {
		id, _ := tr.Register("redis", "cache")
		ids = append(ids, id)
	}
	for i := 0; i < 3; i++ {
		_, _ = tr.Register("file", "loader")
	}
	for _, id := range ids {
		clk.Advance(time.Second)
		tr.Release(id)
	}
	st := tr.Stats()
	if st.Active != 3 {
		t.Errorf("Active = %d, want 3", st.Active)
	}
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"p50", st.ByKind["redis"].LifetimeP50, 50},
		{"p95", st.ByKind["redis"].LifetimeP95, 95},
		{"p99", st.ByKind["redis"].LifetimeP99, 99},
	}
	for _, tt := range tests {
		if rel := (tt.got - tt.want) / tt.want; rel > 0.0625 || rel < -0.0625 {
			t.Errorf("lifetime %s = %.2fs, want %.0fs ±6.25%%", tt.name, tt.got, tt.want)
		}
	}
	f := st.ByKind["file"]
	if f.Created != 3 || f.Released != 0 || f.Active != 3 || f.PeakActive != 3 || f.LifetimeP50 != 0 {
		t.Errorf("file stats = %+v, want 3 created, 3 active, no lifetimes", f)
	}
	if r := st.ByKind["redis"]; r.PeakActive != 100 || r.Active != 0 {
		t.Errorf("redis stats = %+v, want peak 100, active 0", r)
	}
}

func TestDetectLeaks(t *testing.T) {
	clk := newFakeClock()
	start := clk.Now()
	tr := resources.New(resources.Options{Clock: clk.Now})
	old, _ := tr.Register("postgres", "orders")
	clk.Advance(30 * time.Minute)
	mid, _ := tr.Register("redis", "sessions")
	clk.Advance(30 * time.Minute)
	young, _ := tr.Register("postgres", "orders")
	clk.Advance(time.Minute)
	// now: old is 61m, mid 31m, young 1m

	tests := []struct {
		name      string
		threshold time.Duration
		wantIDs   []uint64
	}{
		{"1h finds only the oldest", time.Hour, []uint64{old}},
		{"exactly 31m is not longer than 31m", 31 * time.Minute, []uint64{old}},
		{"30m finds two, oldest first", 30 * time.Minute, []uint64{old, mid}},
		{"0 lists every active resource", 0, []uint64{old, mid, young}},
		{"2h finds none", 2 * time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaks := tr.DetectLeaks(tt.threshold)
			var got []uint64
			for _, l := range leaks {
				if l.Resolved {
					t.Fatalf("unexpected resolved leak %+v", l)
				}
				got = append(got, parseID(t, l.ID))
			}
			if !equalIDs(got, tt.wantIDs) {
				t.Fatalf("DetectLeaks(%v) ids = %v, want %v", tt.threshold, got, tt.wantIDs)
			}
		})
	}
	l := tr.DetectLeaks(time.Hour)[0]
	want := resources.Leak{Source: "tracker", Kind: "postgres", ID: l.ID, Owner: "orders", Created: start,
		Lifetime: 61 * time.Minute, Seconds: 3660, Severity: resources.SeverityWarning}
	if l.Source != want.Source || l.Kind != want.Kind || l.Owner != want.Owner || !l.Created.Equal(want.Created) ||
		l.Lifetime != want.Lifetime || l.Seconds != want.Seconds || l.Severity != want.Severity || l.Stack != "" {
		t.Fatalf("leak = %+v, want %+v", l, want)
	}
}

func TestResolvedLeaks(t *testing.T) {
	clk := newFakeClock()
	tr := resources.New(resources.Options{Clock: clk.Now})
	slow, _ := tr.Register("postgres", "report-job")
	stuck, _ := tr.Register("postgres", "handler")
	quick, _ := tr.Register("postgres", "handler")
	clk.Advance(2 * time.Hour)
	tr.Release(quick) // released before any scan: never a leak

	first := tr.DetectLeaks(time.Hour)
	if len(first) != 2 {
		t.Fatalf("first scan found %d leaks, want 2: %+v", len(first), first)
	}
	clk.Advance(10 * time.Minute)
	tr.Release(slow) // the slow holder finally lets go

	second := tr.DetectLeaks(time.Hour)
	if len(second) != 2 {
		t.Fatalf("second scan = %+v, want the stuck leak and the resolved one", second)
	}
	if second[0].Resolved || parseID(t, second[0].ID) != stuck {
		t.Errorf("second[0] = %+v, want the stuck resource, unresolved", second[0])
	}
	r := second[1]
	if !r.Resolved || parseID(t, r.ID) != slow || r.Lifetime != 2*time.Hour+10*time.Minute || r.Severity != resources.SeverityInfo {
		t.Errorf("second[1] = %+v, want the slow holder resolved after 2h10m with severity info", r)
	}

	third := tr.DetectLeaks(time.Hour)
	if len(third) != 1 || third[0].Resolved {
		t.Errorf("third scan = %+v, want only the stuck leak (a resolved leak is reported once)", third)
	}
}

func TestResolvedLeaksAreBounded(t *testing.T) {
	clk := newFakeClock()
	tr := resources.New(resources.Options{Clock: clk.Now, MaxResolved: 3})
	var ids []uint64
	for i := 0; i < 5; i++ {
		id, _ := tr.Register("file", "loader")
		ids = append(ids, id)
	}
	clk.Advance(time.Hour)
	tr.DetectLeaks(time.Minute)
	for _, id := range ids {
		tr.Release(id)
	}
	got := tr.DetectLeaks(time.Minute)
	var gotIDs []uint64
	for _, l := range got {
		gotIDs = append(gotIDs, parseID(t, l.ID))
	}
	if !equalIDs(gotIDs, ids[2:]) {
		t.Fatalf("resolved = %v, want the 3 most recent %v", gotIDs, ids[2:])
	}
}

func TestMaxResources(t *testing.T) {
	tr := resources.New(resources.Options{MaxResources: 2})
	a, err := tr.Register("postgres", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Register("redis", "cache"); err != nil {
		t.Fatal(err)
	}
	_, err = tr.Register("postgres", "orders")
	if !errors.Is(err, resources.ErrLimit) {
		t.Fatalf("third Register error = %v, want ErrLimit", err)
	}
	var le *resources.LimitError
	if !errors.As(err, &le) || le.Active != 2 || le.Max != 2 || le.Kind != "postgres" || le.Owner != "orders" {
		t.Fatalf("error = %#v, want *LimitError{postgres, orders, 2, 2}", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "2 of 2") || !strings.Contains(msg, "raise the limit") {
		t.Errorf("message %q should give the numbers and the fix", msg)
	}
	if tr.Active() != 2 {
		t.Errorf("a refused Register changed Active to %d", tr.Active())
	}
	tr.Release(a)
	if _, err := tr.Register("postgres", "orders"); err != nil {
		t.Fatalf("Register after a release: %v", err)
	}
}

func TestCaptureStacks(t *testing.T) {
	for _, capture := range []bool{true, false} {
		tr := resources.New(resources.Options{CaptureStacks: capture})
		id := registerFromHelper(tr)
		leaks := tr.DetectLeaks(0)
		if len(leaks) != 1 {
			t.Fatalf("leaks = %+v", leaks)
		}
		stack := leaks[0].Stack
		if capture {
			first := strings.SplitN(stack, "\n", 2)[0]
			if !strings.HasSuffix(first, "registerFromHelper") {
				t.Errorf("stack should start at the registering caller, got:\n%s", stack)
			}
			if !strings.Contains(stack, "tracker_test.go:") {
				t.Errorf("stack has no file:line:\n%s", stack)
			}
		} else if stack != "" {
			t.Errorf("stacks off but Stack = %q", stack)
		}
		tr.Release(id)
		if capture {
			if r := tr.DetectLeaks(0); len(r) != 1 || !r[0].Resolved || !strings.Contains(r[0].Stack, "registerFromHelper") {
				t.Errorf("resolved leak should keep its stack: %+v", r)
			}
		}
	}
}

func registerFromHelper(tr *resources.Tracker) uint64 {
	id, _ := tr.Register("file", "loader")
	return id
}

func TestConcurrentRegisterRelease(t *testing.T) {
	tr := resources.New(resources.Options{MaxResources: 1 << 20})
	var wg sync.WaitGroup
	kinds := []string{"postgres", "redis", "http"}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var held []uint64
			for i := 0; i < 2000; i++ {
				id, err := tr.Register(kinds[i%3], "worker")
				if err != nil {
					t.Error(err)
					return
				}
				held = append(held, id)
				if i%3 == 0 {
					tr.DetectLeaks(time.Hour)
				}
				if len(held) > 10 {
					tr.Release(held[0])
					held = held[1:]
				}
			}
			for _, id := range held {
				tr.Release(id)
			}
		}()
	}
	wg.Wait()
	st := tr.Stats()
	if st.Active != 0 || tr.Active() != 0 {
		t.Fatalf("Active = %d after all releases", st.Active)
	}
	var created, released uint64
	for _, k := range st.ByKind {
		created += k.Created
		released += k.Released
	}
	if created != 16000 || released != 16000 {
		t.Fatalf("created %d released %d, want 16000 each", created, released)
	}
}

func TestPeakActive(t *testing.T) {
	tests := []struct {
		name     string
		up, down int // register up, release down, register up again
		min, max int // accepted peak
	}{
		{"small populations are exact", 100, 60, 100, 100},
		{"at the exact limit", 1024, 1024, 1024, 1024},
		{"large populations within 6.25%", 20000, 20000, 20000 * 15 / 16, 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := resources.New(resources.Options{})
			var ids []uint64
			for i := 0; i < tt.up; i++ {
				id, _ := tr.Register("postgres", "pool")
				ids = append(ids, id)
			}
			for _, id := range ids[:tt.down] {
				tr.Release(id)
			}
			for i := 0; i < tt.down/2; i++ { // back up, staying below the first peak
				_, _ = tr.Register("postgres", "pool")
			}
			peak := tr.Stats().ByKind["postgres"].PeakActive
			if peak < tt.min || peak > tt.max {
				t.Fatalf("peak = %d, want %d..%d", peak, tt.min, tt.max)
			}
		})
	}
}
