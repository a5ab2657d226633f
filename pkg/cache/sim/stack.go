package sim

import "context"

// LRUCurve is the exact LRU hit count at every capacity, from one pass over
// the trace (Mattson's stack distances, counted with a Fenwick tree in
// O(n log n)). A request hits an LRU cache of capacity c exactly when fewer
// than c other keys were used since the previous request for its key.
type LRUCurve struct {
	// hist[d] counts requests whose key was the d-th most recently used
	// (d ≥ 1); first requests are not counted.
	hist     []int64
	requests int
	distinct int
}

// NewLRUCurve computes the curve for a densified trace.
func NewLRUCurve(ids []int32, distinct int) *LRUCurve {
	return newLRUCurve(context.Background(), ids, distinct)
}

// newLRUCurve is NewLRUCurve that gives up (nil) when ctx is done.
func newLRUCurve(ctx context.Context, ids []int32, distinct int) *LRUCurve {
	n := len(ids)
	tree := make([]int32, n+1) // marks at each key's latest request time
	last := make([]int32, distinct)
	hist := make([]int64, distinct+1)
	seen := 0
	for i, id := range ids {
		if cancelled(ctx, i) {
			return nil
		}
		t := int32(i + 1)
		if p := last[id]; p != 0 {
			// keys used after p = all marks − marks up to p (p's own included)
			var upTo int32
			for j := p; j > 0; j -= j & -j {
				upTo += tree[j]
			}
			hist[int32(seen)-upTo+1]++
			for j := p; j <= int32(n); j += j & -j {
				tree[j]--
			}
		} else {
			seen++
		}
		for j := t; j <= int32(n); j += j & -j {
			tree[j]++
		}
		last[id] = t
	}
	return &LRUCurve{hist: hist, requests: n, distinct: distinct}
}

// Requests is the trace length.
func (c *LRUCurve) Requests() int { return c.requests }

// Distinct is the number of distinct keys.
func (c *LRUCurve) Distinct() int { return c.distinct }

// Hits is the LRU hit count at capacity.
func (c *LRUCurve) Hits(capacity int) int64 {
	var h int64
	for d := 1; d <= min(capacity, c.distinct); d++ {
		h += c.hist[d]
	}
	return h
}

// MaxHits is the hit count of an unbounded cache: every non-first request.
func (c *LRUCurve) MaxHits() int64 { return int64(c.requests - c.distinct) }

// MinCapacity is the smallest capacity whose LRU hit rate reaches target,
// or 0 when even an unbounded cache does not.
func (c *LRUCurve) MinCapacity(target float64) int {
	need := target * float64(c.requests)
	var h int64
	for d := 1; d <= c.distinct; d++ {
		h += c.hist[d]
		if float64(h) >= need {
			return d
		}
	}
	return 0
}
