package cache_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
)

func newCache[K comparable, V any](t testing.TB, o cache.Options[K, V]) *cache.Cache[K, V] {
	t.Helper()
	c, err := cache.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    cache.Options[int, int]
		wantErr string
	}{
		{"zero means defaults", cache.Options[int, int]{}, ""},
		{"negative TTL", cache.Options[int, int]{TTL: -time.Second}, "TTL must not be negative"},
		{"negative cleanup", cache.Options[int, int]{CleanupInterval: -1}, "CleanupInterval must not be negative"},
		{"negative shards", cache.Options[int, int]{Shards: -1}, "Shards must not be negative"},
		{"too many shards", cache.Options[int, int]{Shards: 1 << 20}, "use fewer shards"},
		{"negative workers", cache.Options[int, int]{MaxWorkers: -4}, "MaxWorkers must not be negative"},
		{"negative items", cache.Options[int, int]{MaxItems: -1}, "MaxItems must not be negative"},
		{"negative bytes", cache.Options[int, int]{MaxBytes: -1}, "MaxBytes must not be negative"},
		{"bytes below one entry", cache.Options[int, int]{MaxBytes: 10}, "smaller than one entry"},
		{"one shard", cache.Options[int, int]{Shards: 1, MaxItems: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cache.New(tt.opts)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				c.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				c.Close()
				t.Fatalf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := newCache(t, cache.Options[string, int]{})
	st := c.Stats()
	if st.MaxItems != cache.DefaultMaxItems || st.MaxBytes != cache.DefaultMaxBytes {
		t.Fatalf("bounds = %d items, %d bytes; want the defaults", st.MaxItems, st.MaxBytes)
	}
}

func TestSetGetDelete(t *testing.T) {
	c := newCache(t, cache.Options[string, string]{})
	if _, ok := c.Get("a"); ok {
		t.Fatal("Get on an empty cache found a value")
	}
	c.Set("a", "1", 0)
	c.Set("b", "2", 0)
	c.Set("a", "3", 0)
	if v, ok := c.Get("a"); !ok || v != "3" {
		t.Fatalf(`Get("a") = %q, %v; want "3", true`, v, ok)
	}
	if n := c.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	if !c.Delete("a") {
		t.Fatal(`Delete("a") = false for a present key`)
	}
	if c.Delete("a") {
		t.Fatal(`Delete("a") = true for a deleted key`)
	}
	if _, ok := c.Get("a"); ok {
		t.Fatal("Get found a deleted key")
	}
	st := c.Stats()
	want := cache.Stats{Hits: 1, Misses: 2, Sets: 2, Updates: 1, Deletes: 1, Items: 1}
	if st.Hits != want.Hits || st.Misses != want.Misses || st.Sets != want.Sets ||
		st.Updates != want.Updates || st.Deletes != want.Deletes || st.Items != want.Items {
		t.Fatalf("stats = %+v, want counters %+v", st, want)
	}
	if st.HitRate != 1.0/3 || st.MissRate != 2.0/3 {
		t.Fatalf("rates = %v / %v, want 1/3 and 2/3", st.HitRate, st.MissRate)
	}
}

func TestTTL(t *testing.T) {
	clk := newFakeClock()
	c := newCache(t, cache.Options[string, int]{TTL: time.Minute, Clock: clk.Now})
	c.Set("default", 1, 0)
	c.Set("short", 2, 10*time.Second)
	c.Set("long", 3, time.Hour)

	steps := []struct {
		advance time.Duration
		live    []string
	}{
		{0, []string{"default", "long", "short"}},
		{10*time.Second - 1, []string{"default", "long", "short"}},
		{1, []string{"default", "long"}},     // 10 s: short's deadline
		{50 * time.Second, []string{"long"}}, // 60 s: the default TTL
		{59 * time.Minute, nil},              // 1 h
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		var live []string
		for _, k := range []string{"default", "long", "short"} {
			if _, ok := c.Get(k); ok {
				live = append(live, k)
			}
		}
		if !slices.Equal(live, s.live) {
			t.Fatalf("step %d: live keys %v, want %v", i, live, s.live)
		}
	}
	// Expired entries are still counted until swept or overwritten.
	if n := c.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3 expired entries not yet swept", n)
	}
	c.Set("short", 4, 0) // replaces an expired entry: a new key, one expiration
	st := c.Stats()
	if st.Sets != 4 || st.Updates != 0 || st.Expirations != 1 {
		t.Fatalf("sets/updates/expirations = %d/%d/%d, want 4/0/1", st.Sets, st.Updates, st.Expirations)
	}
	if c.Delete("long") {
		t.Fatal("Delete of an expired key reported a live removal")
	}
}

func TestLRUOrder(t *testing.T) {
	var evicted []int
	c := newCache(t, cache.Options[int, int]{
		MaxItems: 3,
		OnEvict: func(k, _ int, r cache.EvictReason) {
			if r == cache.EvictCapacity {
				evicted = append(evicted, k)
			}
		},
	})
	c.Set(1, 1, 0)
	c.Set(2, 2, 0)
	c.Set(3, 3, 0)
	c.Get(1)        // order now 1, 3, 2 (most recent first)
	c.Set(4, 4, 0)  // evicts 2
	c.Set(3, 30, 0) // a Set is a use: order 3, 4, 1
	c.Set(5, 5, 0)  // evicts 1
	c.Get(4)
	c.Set(6, 6, 0) // evicts 3
	if want := []int{2, 1, 3}; !slices.Equal(evicted, want) {
		t.Fatalf("evicted %v, want %v", evicted, want)
	}
	for k, want := range map[int]bool{1: false, 2: false, 3: false, 4: true, 5: true, 6: true} {
		if _, ok := c.Get(k); ok != want {
			t.Errorf("Get(%d) present = %v, want %v", k, ok, want)
		}
	}
	if st := c.Stats(); st.Evictions != 3 || st.Items != 3 {
		t.Fatalf("evictions=%d items=%d, want 3 and 3", st.Evictions, st.Items)
	}
}

func TestItemBound(t *testing.T) {
	for _, shards := range []int{1, 8, 64} {
		c := newCache(t, cache.Options[int, int]{MaxItems: 100, Shards: shards})
		for i := range 1000 {
			c.Set(i, i, 0)
			if n := c.Len(); n > 100 {
				t.Fatalf("shards=%d: Len = %d after %d sets, want ≤ 100", shards, n, i+1)
			}
		}
		// The bound is global: every shard may hold any share of it, so
		// the cache is full, never evicting early.
		if n := c.Len(); n != 100 {
			t.Fatalf("shards=%d: Len = %d, want exactly 100", shards, n)
		}
		for i := 900; i < 1000; i++ {
			if _, ok := c.Get(i); !ok {
				t.Fatalf("shards=%d: the 100 most recent keys should all be present; %d is not", shards, i)
			}
		}
	}
}

func TestByteBound(t *testing.T) {
	overhead := cache.EntryOverhead[int, []byte]()
	entry := overhead + 1024
	c := newCache(t, cache.Options[int, []byte]{MaxBytes: 10 * entry, MaxItems: 1000})
	for i := range 50 {
		c.Set(i, make([]byte, 1024), 0)
		if st := c.Stats(); st.Bytes > 10*entry {
			t.Fatalf("after %d sets: %d bytes, bound %d", i+1, st.Bytes, 10*entry)
		}
	}
	st := c.Stats()
	if st.Items != 10 || st.Bytes != 10*entry || st.Evictions != 40 {
		t.Fatalf("items=%d bytes=%d evictions=%d; want 10, %d, 40", st.Items, st.Bytes, st.Evictions, 10*entry)
	}
	if st.ByteUtilization != 1 {
		t.Fatalf("byte utilization %v, want 1", st.ByteUtilization)
	}
	// An entry bigger than the whole bound is refused, not flushing the cache.
	c.Set(1000, make([]byte, 20*1024), 0)
	if _, ok := c.Get(1000); ok || c.Len() != 10 {
		t.Fatalf("oversized entry stored (Len %d)", c.Len())
	}
}

func TestSizer(t *testing.T) {
	c := newCache(t, cache.Options[string, string]{
		Sizer: func(k, v string) int64 { return 1000 },
	})
	c.Set("k", "v", 0)
	if got, want := c.Stats().Bytes, 1000+cache.EntryOverhead[string, string](); got != want {
		t.Fatalf("Bytes = %d, want %d", got, want)
	}
}

func TestEvictReasons(t *testing.T) {
	clk := newFakeClock()
	type ev struct {
		key    string
		reason cache.EvictReason
	}
	var mu sync.Mutex
	var got []ev
	c := newCache(t, cache.Options[string, int]{
		MaxItems: 2, TTL: time.Minute, Clock: clk.Now,
		OnEvict: func(k string, _ int, r cache.EvictReason) {
			mu.Lock()
			got = append(got, ev{k, r})
			mu.Unlock()
		},
	})
	c.Set("a", 1, 0)
	c.Set("a", 2, 0) // replaced
	c.Delete("a")    // deleted
	c.Set("b", 1, 0)
	c.Set("c", 1, 0)
	c.Set("d", 1, 0) // b: capacity
	clk.Advance(2 * time.Minute)
	c.Set("c", 2, 0) // c: expired (replaced after its TTL)
	c.Set("e", 1, 0) // d is at the tail and expired: expired, not capacity
	c.Clear()        // c and e: deleted
	want := []ev{
		{"a", cache.EvictReplaced}, {"a", cache.EvictDeleted}, {"b", cache.EvictCapacity},
		{"c", cache.EvictExpired}, {"d", cache.EvictExpired},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want)+2 || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("callbacks %v, want %v then c and e deleted", got, want)
	}
	rest := []string{got[5].key, got[6].key}
	slices.Sort(rest)
	if !slices.Equal(rest, []string{"c", "e"}) || got[5].reason != cache.EvictDeleted || got[6].reason != cache.EvictDeleted {
		t.Fatalf("Clear callbacks %v, want c and e deleted", got[5:])
	}
	for _, r := range []cache.EvictReason{cache.EvictCapacity, cache.EvictExpired, cache.EvictDeleted, cache.EvictReplaced} {
		if strings.HasPrefix(r.String(), "EvictReason") {
			t.Errorf("reason %d has no name", r)
		}
	}
}

func TestClear(t *testing.T) {
	c := newCache(t, cache.Options[int, int]{MaxItems: 10})
	for i := range 20 {
		c.Set(i, i, 0)
	}
	c.Get(19)
	c.Clear()
	if n := c.Len(); n != 0 {
		t.Fatalf("Len after Clear = %d", n)
	}
	st := c.Stats()
	if st.Bytes != 0 || st.Sets != 20 || st.Hits != 1 {
		t.Fatalf("after Clear: bytes=%d sets=%d hits=%d; want 0, 20 (counters kept), 1", st.Bytes, st.Sets, st.Hits)
	}
	for i := range 10 {
		c.Set(i, i, 0)
	}
	if n := c.Len(); n != 10 {
		t.Fatalf("Len after refill = %d, want 10", n)
	}
}

func TestCleanupSweep(t *testing.T) {
	clk := newFakeClock()
	var mu sync.Mutex
	expired := 0
	c := newCache(t, cache.Options[int, int]{
		TTL: time.Second, CleanupInterval: time.Millisecond, Clock: clk.Now, MaxWorkers: 2, Shards: 4,
		OnEvict: func(_, _ int, r cache.EvictReason) {
			if r == cache.EvictExpired {
				mu.Lock()
				expired++
				mu.Unlock()
			}
		},
	})
	for i := range 100 {
		c.Set(i, i, 0)
	}
	clk.Advance(time.Hour)
	// The sweep runs on a real ticker; wait for it without a time limit of
	// our own (the test binary's -timeout is the bound).
	for c.Len() != 0 {
		time.Sleep(time.Millisecond)
	}
	if st := c.Stats(); st.Expirations != 100 {
		t.Fatalf("expirations = %d, want 100", st.Expirations)
	}
	mu.Lock()
	defer mu.Unlock()
	if expired != 100 {
		t.Fatalf("OnEvict saw %d expirations, want 100", expired)
	}
}

func TestCloseIdempotent(t *testing.T) {
	c, err := cache.New(cache.Options[int, int]{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.Set(1, 1, 0)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Still usable after Close, with the precise clock.
	if v, ok := c.Get(1); !ok || v != 1 {
		t.Fatalf("Get after Close = %d, %v", v, ok)
	}
}

// ResetStats zeroes the counters (a run's warm-up left out of its figures)
// and keeps the contents; what follows is counted afresh.
func TestResetStats(t *testing.T) {
	c := newCache(t, cache.Options[int, int]{MaxItems: 2})
	for i := range 3 { // the third evicts
		c.Set(i, i, 0)
	}
	c.Get(2)
	c.Get(99)
	c.Delete(2)
	if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Sets != 3 || s.Deletes != 1 || s.Evictions != 1 {
		t.Fatalf("before the reset: %+v", s)
	}
	c.ResetStats()
	s := c.Stats()
	for _, tt := range []struct {
		name string
		got  uint64
	}{{"hits", s.Hits}, {"misses", s.Misses}, {"sets", s.Sets}, {"updates", s.Updates}, {"deletes", s.Deletes},
		{"evictions", s.Evictions}, {"expirations", s.Expirations}} {
		if tt.got != 0 {
			t.Errorf("%s = %d after ResetStats, want 0", tt.name, tt.got)
		}
	}
	if s.Items != 1 || s.HitRate != 0 {
		t.Errorf("items %d hit rate %v: want the one item kept and no rate", s.Items, s.HitRate)
	}
	c.Get(1)
	if s := c.Stats(); s.Hits+s.Misses != 1 {
		t.Errorf("after the reset: hits %d misses %d, want one get", s.Hits, s.Misses)
	}
}
