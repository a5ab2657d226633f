package cache

import (
	"container/list"
	"testing"
	"time"
)

// refModel is the simple reference the cache is checked against: one
// exact LRU list, per-entry deadlines, and the same counters.
type refModel struct {
	cap   int
	ttl   time.Duration
	now   time.Time
	l     *list.List // of *refEntry, front = most recent
	m     map[int]*list.Element
	stats Stats
}

type refEntry struct {
	key, val int
	expire   time.Time
}

func newRefModel(capacity int, ttl time.Duration, now time.Time) *refModel {
	return &refModel{cap: capacity, ttl: ttl, now: now, l: list.New(), m: map[int]*list.Element{}}
}

func (r *refModel) expired(e *refEntry) bool { return !r.now.Before(e.expire) }

func (r *refModel) get(k int) (int, bool) {
	el, ok := r.m[k]
	if !ok || r.expired(el.Value.(*refEntry)) {
		r.stats.Misses++
		return 0, false
	}
	r.stats.Hits++
	r.l.MoveToFront(el)
	return el.Value.(*refEntry).val, true
}

func (r *refModel) set(k, v int, ttl time.Duration) {
	if ttl <= 0 {
		ttl = r.ttl
	}
	if el, ok := r.m[k]; ok {
		e := el.Value.(*refEntry)
		if r.expired(e) {
			r.stats.Sets++
			r.stats.Expirations++
		} else {
			r.stats.Updates++
		}
		e.val, e.expire = v, r.now.Add(ttl)
		r.l.MoveToFront(el)
		return
	}
	r.stats.Sets++
	r.m[k] = r.l.PushFront(&refEntry{k, v, r.now.Add(ttl)})
	for r.l.Len() > r.cap {
		el := r.l.Back()
		e := el.Value.(*refEntry)
		if r.expired(e) {
			r.stats.Expirations++
		} else {
			r.stats.Evictions++
		}
		r.l.Remove(el)
		delete(r.m, e.key)
	}
}

func (r *refModel) delete(k int) bool {
	el, ok := r.m[k]
	if !ok {
		return false
	}
	e := el.Value.(*refEntry)
	r.l.Remove(el)
	delete(r.m, k)
	if r.expired(e) {
		r.stats.Expirations++
		return false
	}
	r.stats.Deletes++
	return true
}

func (r *refModel) clear() {
	r.l.Init()
	r.m = map[int]*list.Element{}
}

// FuzzOps runs a byte-coded sequence of operations against the cache and
// the reference model; every result, the LRU contents and the counters
// must agree, and the cache's internal invariants must hold throughout.
// Capacities stay below 16 so the recency window is exact (see policy.go).
func FuzzOps(f *testing.F) {
	f.Add([]byte{3, 1, 1, 1, 2, 1, 0, 1, 3, 2, 4, 7})
	f.Add([]byte{8, 0, 1, 0, 2, 0, 3, 0, 4, 1, 1, 5, 0, 5, 2, 6, 1})
	f.Add([]byte{1, 0, 0, 4, 4, 4, 4, 0, 0, 3, 0, 2, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		capacity := int(data[0])%15 + 1
		data = data[1:]
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		c, err := New(Options[int, int]{MaxItems: capacity, TTL: 3 * time.Second, CleanupInterval: time.Hour, Shards: 4, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ref := newRefModel(capacity, 3*time.Second, now)
		for i := 0; i+1 < len(data); i += 2 {
			op, k := data[i]%7, int(data[i+1]%20)
			switch op {
			case 0, 1:
				v, ok := c.Get(k)
				rv, rok := ref.get(k)
				if v != rv || ok != rok {
					t.Fatalf("op %d Get(%d) = %d, %v; model %d, %v", i/2, k, v, ok, rv, rok)
				}
			case 2, 3:
				ttl := time.Duration(data[i]/7%3) * 2 * time.Second // 0 (default), 2 s, 4 s
				c.Set(k, i, ttl)
				ref.set(k, i, ttl)
			case 4:
				if got, want := c.Delete(k), ref.delete(k); got != want {
					t.Fatalf("op %d Delete(%d) = %v, model %v", i/2, k, got, want)
				}
			case 5:
				now = now.Add(time.Duration(k%4) * time.Second)
				ref.now = now
			case 6:
				if k == 0 {
					c.Clear()
					ref.clear()
				}
			}
			if got, want := c.Len(), ref.l.Len(); got != want {
				t.Fatalf("op %d: Len %d, model %d", i/2, got, want)
			}
			checkInvariants(t, c)
		}
		// Same keys in the same LRU order.
		c.policy.mu.Lock()
		c.maintain()
		var order []int
		for n := c.policy.head.next; n != &c.policy.head; n = n.next {
			order = append(order, n.key)
		}
		c.policy.mu.Unlock()
		var want []int
		for el := ref.l.Front(); el != nil; el = el.Next() {
			want = append(want, el.Value.(*refEntry).key)
		}
		if len(order) != len(want) {
			t.Fatalf("LRU order %v, model %v", order, want)
		}
		for i := range order {
			if order[i] != want[i] {
				t.Fatalf("LRU order %v, model %v", order, want)
			}
		}
		st := c.Stats()
		rs := ref.stats
		if st.Hits != rs.Hits || st.Misses != rs.Misses || st.Sets != rs.Sets || st.Updates != rs.Updates ||
			st.Deletes != rs.Deletes || st.Evictions != rs.Evictions || st.Expirations != rs.Expirations {
			t.Fatalf("stats %+v, model %+v", st, rs)
		}
	})
}

// checkInvariants drains the policy and checks that the list and the
// table hold the same nodes and that the counts agree.
func checkInvariants[K comparable, V any](t *testing.T, c *Cache[K, V]) {
	t.Helper()
	c.policy.mu.Lock()
	defer c.policy.mu.Unlock()
	c.maintain()
	inTable := map[*node[K, V]]bool{}
	var items, bytes int64
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.each(func(n *node[K, V]) bool {
			inTable[n] = true
			return true
		})
		items += s.count.Load()
		bytes += s.bytes.Load()
		s.mu.Unlock()
	}
	linked := 0
	var linkedBytes int64
	for n := c.policy.head.next; n != &c.policy.head; n = n.next {
		if n.next.prev != n {
			t.Fatal("list links broken")
		}
		if n.removed() || !inTable[n] {
			t.Fatalf("linked node %v is not in the table", n.key)
		}
		linked++
		linkedBytes += n.size()
	}
	if linked != len(inTable) || int64(linked) != items || linked != c.policy.count {
		t.Fatalf("linked %d, in table %d, shard counts %d, policy count %d", linked, len(inTable), items, c.policy.count)
	}
	if linkedBytes != bytes || bytes != c.policy.bytes {
		t.Fatalf("bytes: linked %d, shards %d, policy %d", linkedBytes, bytes, c.policy.bytes)
	}
	if linked > c.maxItems || bytes > c.maxBytes {
		t.Fatalf("over the bounds: %d items, %d bytes", linked, bytes)
	}
}
