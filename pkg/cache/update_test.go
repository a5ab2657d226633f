package cache_test

import (
	"sync"
	"testing"

	"github.com/resync-dev/resync/pkg/cache"
)

// updates replaces a key's value many times while readers read it: every
// read sees one of the written values (run with -race).
func updates[V comparable](t *testing.T, vals []V) {
	t.Helper()
	c := newCache(t, cache.Options[int, V]{})
	c.Set(1, vals[0], 0)
	valid := map[V]bool{}
	for _, v := range vals {
		valid[v] = true
	}
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				if r == 0 {
					c.Set(1, vals[i%len(vals)], 0)
					continue
				}
				if v, ok := c.Get(1); !ok || !valid[v] {
					t.Errorf("Get = %v, %v: not a written value", v, ok)
					return
				}
			}
		}()
	}
	wg.Wait()
	c.Set(1, vals[len(vals)-1], 0)
	if v, _ := c.Get(1); v != vals[len(vals)-1] {
		t.Fatalf("last value %v, want %v", v, vals[len(vals)-1])
	}
	if st := c.Stats(); st.Items != 1 || st.Updates == 0 {
		t.Fatalf("items %d, updates %d", st.Items, st.Updates)
	}
}

type pair struct{ A, B int64 }

func TestUpdateInPlaceValueKinds(t *testing.T) {
	x, y := new(int), new(int)
	t.Run("int64 word", func(t *testing.T) { updates(t, []int64{1, -2, 3 << 40}) })
	t.Run("int32 word", func(t *testing.T) { updates(t, []int32{1, -2, 3}) })
	t.Run("float64 word", func(t *testing.T) { updates(t, []float64{0.5, 1e300}) })
	t.Run("pointer", func(t *testing.T) { updates(t, []*int{x, y}) })
	t.Run("two-word struct, boxed", func(t *testing.T) { updates(t, []pair{{1, 2}, {3, 4}}) })
	t.Run("string of one size, boxed", func(t *testing.T) { updates(t, []string{"aa", "bb", "cc"}) })
	t.Run("bool", func(t *testing.T) { updates(t, []bool{true, false}) })
}
