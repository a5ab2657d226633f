package observe

import (
	"context"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
)

// Result is one observation: a window per source, in source order.
type Result struct {
	Started time.Time
	Elapsed time.Duration
	Partial bool // interrupted before the window ended
	Sources []SourceWindow
}

// SourceWindow is one source's deltas and last gauges over the window.
type SourceWindow struct {
	Source                 string // redis, postgres, …
	TargetName, TargetKind string
	TargetURL              string // redacted
	Readings               int    // successful readings
	Failed                 int    // readings that failed
	LastError              string // redacted; "" when the last reading worked
	Queries                int    // queries sent over the window
	Bytes                  int64  // bytes read back over the window
	Caches                 []CacheWindow
	Pools                  []PoolWindow
}

// Reachable says whether the source answered at least once.
func (w SourceWindow) Reachable() bool { return w.Readings > 0 }

// CacheWindow is a cache's deltas over the window and its last gauges.
type CacheWindow struct {
	Last                                       Cache // the last reading's gauges, facts and missing metrics
	Hits, Misses, Sets, Evictions, Expirations uint64
	Counters                                   map[string]uint64 // deltas of Cache.Counters
	Resets                                     int               // counters that went backwards
}

// PoolWindow is a pool's deltas over the window and its gauges' mean and
// peak over the readings.
type PoolWindow struct {
	Last                       Pool
	Attempts, Errors, Rejected uint64
	WaitTotalUs                uint64            // Pool.WaitTotalUs over the window
	Ops                        uint64            // Pool.Ops over the window
	WaitCount                  uint64            // Pool.WaitCount over the window
	Counters                   map[string]uint64 // deltas of Pool.Counters
	Resets                     int
	MeanUtilization            float64 // mean of (active+idle)/max over the readings (active/max when ActiveOnly)
	PeakUtilization            float64
	PeakWaiting                int
	PeakWaitMs                 float64 // largest WaitMs, or largest mean wait of one interval (Pool.WaitCount)
	PeakInUse                  int     // peak active+idle connections over the readings
}

// tracker accumulates one source's readings.
type tracker struct {
	src    Source
	w      SourceWindow
	caches map[string]*cacheAcc
	pools  map[string]*poolAcc
	order  struct{ caches, pools []string }
}

type cacheAcc struct {
	prev Cache
	win  CacheWindow
}

type poolAcc struct {
	prev    Pool
	win     PoolWindow
	utilSum float64
	n       int
}

func newTracker(s Source) *tracker {
	name, kind, u := s.Target()
	return &tracker{
		src:    s,
		w:      SourceWindow{Source: s.Name(), TargetName: name, TargetKind: kind, TargetURL: redact.URL(u)},
		caches: map[string]*cacheAcc{},
		pools:  map[string]*poolAcc{},
	}
}

func (t *tracker) read(ctx context.Context) {
	r, err := t.src.Snapshot(ctx)
	t.w.Queries += r.Queries
	t.w.Bytes += r.Bytes
	if err != nil {
		t.w.Failed++
		t.w.LastError = redact.Text(err.Error())
		return
	}
	t.w.Readings++
	t.w.LastError = ""
	for _, c := range r.Caches {
		a, seen := t.caches[c.Name]
		if !seen {
			t.caches[c.Name] = &cacheAcc{prev: c, win: CacheWindow{Last: c}}
			t.order.caches = append(t.order.caches, c.Name)
			continue
		}
		w := &a.win
		if a.prev.Epoch != c.Epoch {
			w.Resets++ // a restart or a statistics reset: count from the new values
			a.prev = Cache{}
		}
		w.Hits += delta(a.prev.Hits, c.Hits, &w.Resets)
		w.Misses += delta(a.prev.Misses, c.Misses, &w.Resets)
		w.Sets += delta(a.prev.Sets, c.Sets, &w.Resets)
		w.Evictions += delta(a.prev.Evictions, c.Evictions, &w.Resets)
		w.Expirations += delta(a.prev.Expirations, c.Expirations, &w.Resets)
		w.Counters = addDeltas(w.Counters, a.prev.Counters, c.Counters, &w.Resets)
		w.Last, a.prev = c, c
	}
	for _, p := range r.Pools {
		a, seen := t.pools[p.Name]
		if !seen {
			a = &poolAcc{prev: p, win: PoolWindow{Last: p}}
			t.pools[p.Name] = a
			t.order.pools = append(t.order.pools, p.Name)
		} else {
			w := &a.win
			if a.prev.Epoch != p.Epoch {
				w.Resets++
				a.prev = Pool{}
			}
			w.Attempts += delta(a.prev.Attempts, p.Attempts, &w.Resets)
			w.Errors += delta(a.prev.Errors, p.Errors, &w.Resets)
			w.Rejected += delta(a.prev.Rejected, p.Rejected, &w.Resets)
			w.WaitTotalUs += delta(a.prev.WaitTotalUs, p.WaitTotalUs, &w.Resets)
			w.Ops += delta(a.prev.Ops, p.Ops, &w.Resets)
			w.addWaitCount(a.prev, p)
			w.Counters = addDeltas(w.Counters, a.prev.Counters, p.Counters, &w.Resets)
			w.Last, a.prev = p, p
		}
		w := &a.win
		if p.MaxSize > 0 {
			u := float64(p.inUse()) / float64(p.MaxSize)
			a.utilSum += u
			a.n++
			w.MeanUtilization = a.utilSum / float64(a.n)
			w.PeakUtilization = max(w.PeakUtilization, u)
		}
		w.PeakWaiting = max(w.PeakWaiting, p.Waiting)
		w.PeakInUse = max(w.PeakInUse, p.inUse())
		w.PeakWaitMs = max(w.PeakWaitMs, p.WaitMs)
	}
}

// inUse is what the pool's utilization counts (Pool.ActiveOnly).
func (p Pool) inUse() int {
	if p.ActiveOnly {
		return p.Active
	}
	return p.Active + p.Idle
}

// addWaitCount adds the waits of one interval (Pool.WaitCount) and keeps
// the largest mean wait of one interval in PeakWaitMs.
func (w *PoolWindow) addWaitCount(prev, cur Pool) {
	if cur.WaitCount == 0 && prev.WaitCount == 0 {
		return
	}
	var ignored int // the WaitTotalUs delta counted the reset
	n := delta(prev.WaitCount, cur.WaitCount, &w.Resets)
	us := delta(prev.WaitTotalUs, cur.WaitTotalUs, &ignored)
	w.WaitCount += n
	if n > 0 {
		w.PeakWaitMs = max(w.PeakWaitMs, float64(us)/1000/float64(n))
	}
}

// delta is cur − prev, or cur when the counter went backwards (it was
// reset and counts again from zero): resets is incremented then.
func delta(prev, cur uint64, resets *int) uint64 {
	if cur < prev {
		*resets++
		return cur
	}
	return cur - prev
}

// addDeltas adds cur − prev of every counter in cur to sum (made when nil).
func addDeltas(sum, prev, cur map[string]uint64, resets *int) map[string]uint64 {
	if len(cur) == 0 {
		return sum
	}
	if sum == nil {
		sum = make(map[string]uint64, len(cur))
	}
	for k, v := range cur {
		sum[k] += delta(prev[k], v, resets)
	}
	return sum
}

func (t *tracker) window() SourceWindow {
	w := t.w
	for _, n := range t.order.caches {
		w.Caches = append(w.Caches, t.caches[n].win)
	}
	for _, n := range t.order.pools {
		w.Pools = append(w.Pools, t.pools[n].win)
	}
	return w
}

// missing merges a reading's missing metrics with those the window could
// not compute (nothing happened: no rate), sorted, without repeats.
func missing(base []string, more ...string) []string {
	out := slices.Clone(base)
	out = append(out, more...)
	slices.Sort(out)
	return slices.Compact(out)
}

// NoTraffic says the cache saw no read, write or eviction in the window:
// its rates are undefined, so it is not scored (report.RatingNoTraffic)
// rather than rated poor for a 0 % hit rate.
func (c CacheWindow) NoTraffic() bool {
	return c.Hits+c.Misses+c.Sets+c.Evictions == 0
}

// NoTraffic says the pool held no connection (sources leave their own out
// where they can; only active ones where the source says idle ones are the
// pool's spares) and saw no attempt, error, refusal or wait in the window.
func (p PoolWindow) NoTraffic() bool {
	return p.Attempts+p.Errors+p.Rejected+p.WaitCount == 0 && p.PeakInUse == 0 && p.PeakWaiting == 0
}
