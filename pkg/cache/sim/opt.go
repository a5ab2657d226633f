package sim

import (
	"context"
	"math"
)

// checkEvery is how many requests the long passes (densifying, next uses,
// the LRU curve, Belady's optimum, the replay) process between two looks
// at ctx: 16 Ki, about a millisecond of work (tens under the race
// detector), so a cancel is seen well within 0.5 s even on the largest
// traces while the check costs nothing measurable.
const checkEvery = 1 << 14

// cancelled reports, every checkEvery requests, whether ctx is done.
func cancelled(ctx context.Context, i int) bool {
	return i&(checkEvery-1) == 0 && ctx.Err() != nil
}

// never is the next-use time of a key that is not requested again.
const never = math.MaxInt32

// nextUses returns, for each request, the index of the next request for
// the same key, or never; nil when ctx is cancelled first.
func nextUses(ctx context.Context, ids []int32, distinct int) []int32 {
	next := make([]int32, len(ids))
	seen := make([]int32, distinct)
	for i := range seen {
		seen[i] = never
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if cancelled(ctx, i) {
			return nil
		}
		next[i] = seen[ids[i]]
		seen[ids[i]] = int32(i)
	}
	return next
}

// OptimalHits is the hit count of Belady's MIN policy at capacity: on a
// miss, the resident key used farthest in the future is evicted (or the
// new key is not kept, when it is that key). With ttl > 0 (in requests), an
// entry lives ttl requests after the miss that stored it, and a reuse after
// that counts as never: the optimum under expire-after-write.
func OptimalHits(ids []int32, next []int32, distinct, capacity int, ttl int64) int64 {
	hits, _ := optimalHits(context.Background(), ids, next, distinct, capacity, ttl)
	return hits
}

// optimalHits is OptimalHits that gives up (ok false) when ctx is done.
func optimalHits(ctx context.Context, ids []int32, next []int32, distinct, capacity int, ttl int64) (hits int64, ok bool) {
	h := optHeap{pos: make([]int32, distinct), prio: make([]int32, distinct)}
	for i := range h.pos {
		h.pos[i] = -1
	}
	var setAt []int32
	if ttl > 0 {
		setAt = make([]int32, distinct)
	}
	useful := func(id int32, t int32) int32 {
		nt := next[t]
		if setAt != nil && nt != never && int64(nt-setAt[id]) >= ttl {
			return never
		}
		return nt
	}
	for i, id := range ids {
		if cancelled(ctx, i) {
			return 0, false
		}
		t := int32(i)
		if h.pos[id] >= 0 && (setAt == nil || int64(t-setAt[id]) < ttl) {
			hits++
			h.update(id, useful(id, t))
			continue
		}
		if h.pos[id] >= 0 { // expired: it is stored again below
			h.remove(id)
		}
		if setAt != nil {
			setAt[id] = t
		}
		p := useful(id, t)
		if p == never {
			continue // never used again (while fresh): not worth a slot
		}
		if len(h.ids) < capacity {
			h.push(id, p)
		} else if h.prio[h.ids[0]] > p {
			h.remove(h.ids[0])
			h.push(id, p)
		}
	}
	return hits, true
}

// optHeap is a max-heap of resident ids by next use.
type optHeap struct {
	ids  []int32
	pos  []int32 // index in ids, -1 when not resident
	prio []int32
}

func (h *optHeap) push(id, p int32) {
	h.prio[id] = p
	h.pos[id] = int32(len(h.ids))
	h.ids = append(h.ids, id)
	h.up(len(h.ids) - 1)
}

func (h *optHeap) update(id, p int32) {
	old := h.prio[id]
	h.prio[id] = p
	if p > old {
		h.up(int(h.pos[id]))
	} else {
		h.down(int(h.pos[id]))
	}
}

func (h *optHeap) remove(id int32) {
	i := int(h.pos[id])
	last := len(h.ids) - 1
	h.swap(i, last)
	h.ids = h.ids[:last]
	h.pos[id] = -1
	if i < last {
		h.down(i)
		h.up(i)
	}
}

func (h *optHeap) swap(i, j int) {
	h.ids[i], h.ids[j] = h.ids[j], h.ids[i]
	h.pos[h.ids[i]] = int32(i)
	h.pos[h.ids[j]] = int32(j)
}

func (h *optHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h.prio[h.ids[p]] >= h.prio[h.ids[i]] {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *optHeap) down(i int) {
	n := len(h.ids)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.prio[h.ids[r]] > h.prio[h.ids[l]] {
			c = r
		}
		if h.prio[h.ids[i]] >= h.prio[h.ids[c]] {
			return
		}
		h.swap(i, c)
		i = c
	}
}
