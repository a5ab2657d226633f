package servecmd

import (
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
)

// HealthWindow is how far back serve's rates look: each pool's error rate
// and throughput, and so its score, recommendations and the overall health
// (/health), cover the last HealthWindow, not the time since serve started.
// A target that failed and came back is healthy again at most HealthWindow
// (plus one --interval) after it recovered. Counters (operations, errors,
// timeouts, on /metrics and in the JSON) stay totals since start, as
// Prometheus counters must.
const HealthWindow = 30 * time.Second

// window keeps the pools' snapshots of the last rebuilds, to turn lifetime
// counters into counts over the sliding window.
type window struct {
	length time.Duration
	marks  []mark // oldest first
}

type mark struct {
	at    time.Time
	pools map[string]pools.Snapshot
}

// report builds the report of in with the pools' rates, scores,
// recommendations and health over the window ending at now (in's
// counters stay lifetime). Until the first snapshot is a window old, the
// window is the time since it was taken.
func (w *window) report(now time.Time, in report.Input) *report.Report {
	lifetime := report.Build(in)
	cur := mark{at: now, pools: make(map[string]pools.Snapshot, len(in.Pools))}
	for _, p := range in.Pools {
		cur.pools[p.Snapshot.Name] = p.Snapshot
	}
	w.marks = append(w.marks, cur)
	// Keep the newest mark at least a window old as the base.
	for len(w.marks) > 2 && !w.marks[1].at.After(now.Add(-w.length)) {
		w.marks = w.marks[1:]
	}
	if len(w.marks) < 2 {
		return lifetime
	}
	base := w.marks[0]
	win := in
	win.Pools = make([]report.PoolInput, len(in.Pools))
	for i, p := range in.Pools {
		if old, ok := base.pools[p.Snapshot.Name]; ok {
			p.Snapshot = since(p.Snapshot, old, now.Sub(base.at))
		}
		win.Pools[i] = p
	}
	windowed := report.Build(win)
	for name, e := range lifetime.Pools {
		we, ok := windowed.Pools[name]
		if !ok {
			continue
		}
		e.Metrics.ErrorRate = we.Metrics.ErrorRate
		e.Metrics.ThroughputPerS = we.Metrics.ThroughputPerS
		e.EfficiencyScore, e.Rating, e.Recommendations = we.EfficiencyScore, we.Rating, we.Recommendations
		lifetime.Pools[name] = e
	}
	lifetime.OverallHealth, lifetime.HealthReasons = report.Health(lifetime)
	return lifetime
}

// since is cur's counters minus old's, over the span between them. A
// counter below its old value means the pool was replaced (a reloaded
// settings file): cur is then taken whole.
func since(cur, old pools.Snapshot, span time.Duration) pools.Snapshot {
	type pair struct{ c, o *uint64 }
	ps := []pair{
		{&cur.AcquireCount, &old.AcquireCount}, {&cur.Operations, &old.Operations},
		{&cur.Errors.Dial, &old.Errors.Dial}, {&cur.Errors.HealthCheck, &old.Errors.HealthCheck},
		{&cur.Errors.Operation, &old.Errors.Operation}, {&cur.Timeouts, &old.Timeouts},
		{&cur.Exhaustions, &old.Exhaustions}, {&cur.Cancellations, &old.Cancellations},
		{&cur.Created, &old.Created},
	}
	for _, p := range ps {
		if *p.c < *p.o || cur.Uptime < old.Uptime {
			return cur
		}
	}
	for _, p := range ps {
		*p.c -= *p.o
	}
	cur.Uptime = span
	return cur
}
