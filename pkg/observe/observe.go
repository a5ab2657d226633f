// Package observe reads the targets' own counters — Redis INFO, PostgreSQL
// and MySQL statistics, pgbouncer SHOW, Prometheus endpoints — over a
// window and turns the deltas into the report's caches and pools, sending
// no workload ("resync report --observe", "resync serve --observe").
//
// A Source gives one Reading per Snapshot: the counters since the server
// started (monotonic, possibly reset) and the gauges now. Observe takes a
// reading at the start, every interval and at the end; a Window holds the
// deltas over the window, summed interval by interval so that a counter
// that went backwards (a restart, CONFIG RESETSTAT, pg_stat_reset) counts
// from its new value and is reported, never as a negative rate.
package observe

import (
	"context"
	"time"
)

// Source reads one target's counters. Snapshot must be cheap: a small,
// documented number of queries, never MONITOR, KEYS or a table scan.
type Source interface {
	// Name is the report's source name: redis, postgres, mysql,
	// pgbouncer, prometheus (report.Source…).
	Name() string
	// Target is the target's name and redacted URL, for the report.
	Target() (name, kind, redactedURL string)
	// Snapshot reads the counters now.
	Snapshot(ctx context.Context) (Reading, error)
	// Close releases the source's connection.
	Close() error
}

// Reading is what one Snapshot read: the caches and pools the target
// exposes. Counters are since the server's (or the statistics') start.
type Reading struct {
	Caches []Cache
	Pools  []Pool
	// Queries and Bytes are the cost of this reading on the server: the
	// queries (commands) sent and the bytes read back.
	Queries int
	Bytes   int64
}

// Cache is one cache's counters and gauges. Name is unique per source.
type Cache struct {
	Name string
	// Counters.
	Hits, Misses, Sets, Evictions, Expirations uint64
	// Gauges.
	Items       int64 // keys held, 0 when unknown
	MemoryBytes int64 // bytes used
	MaxBytes    int64 // byte bound, 0 when unbounded or unknown
	// Missing are the spec metrics (report.Metric…) the source cannot
	// compute for this cache.
	Missing []string
	// Facts are source-specific settings the rules quote
	// ("maxmemory_policy": "volatile-lru", "keys_with_ttl": "12").
	Facts map[string]string
	// Counters are further counters the rules quote as evidence
	// (Counter…), deltas like the others; never part of a score.
	Counters map[string]uint64
	// Epoch names the counters' generation (a server start, a statistics
	// reset), "" when the source cannot tell. When it changes between two
	// readings every counter counts from its new value and one reset is
	// recorded, even if no counter went backwards.
	Epoch string
}

// Pool is one connection pool's (or server's connection limit's) counters
// and gauges. Name is unique per source.
type Pool struct {
	Name string
	Kind string // postgres | mysql | redis | pgbouncer | …
	// Gauges.
	Active, Idle, Waiting, MaxSize int
	WaitMs                         float64 // current wait figure (pgbouncer maxwait), when known
	// Counters.
	Attempts, Errors, Rejected uint64 // connections or transactions tried, failed, refused at the limit
	// WaitTotalUs is the time clients spent waiting for a connection, in
	// µs (pgbouncer's total_wait_time): with Attempts it gives the
	// window's mean wait per attempt. Zero when the source has no such
	// counter.
	WaitTotalUs uint64
	// Ops counts the operations served (pgbouncer's total_query_count),
	// for the throughput; zero when the source has no such counter.
	Ops uint64
	// Derived names the figures the source derives rather than measures,
	// and how (report.PoolInput.Derived).
	Derived []string
	// WaitCount, when not zero, is the number of waits WaitTotalUs sums,
	// which the mean is taken over instead of Attempts (an application
	// pool's exporter: go_sql_wait_count_total, the acquire timer's
	// count); the window's p95 and max are then the largest mean of one
	// interval (labelled in Derived).
	WaitCount uint64
	// ActiveOnly makes the utilization Active/MaxSize instead of
	// (Active+Idle)/MaxSize: the idle connections are free for the next
	// client (a pgbouncer pool), not slots taken from a server's limit.
	ActiveOnly bool
	// Missing are the spec metrics the source cannot compute.
	Missing []string
	// Facts are source-specific settings the rules quote.
	Facts map[string]string
	// Counters and Epoch are as Cache's.
	Counters map[string]uint64
	Epoch    string
}

// Options tune Observe.
type Options struct {
	Window   time.Duration // how long to observe; > 0
	Interval time.Duration // how often to read between start and end; > 0
	// Now is the clock (time.Now when nil); Sleep waits d or until ctx is
	// done (a timer when nil). Tests inject both.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Observe reads every source at the start, every Interval and at the end
// of Window (or when ctx is done: the window so far is kept and Partial
// set) and returns the windows. Sources are read one after another; a
// source that fails a reading keeps its last good one and records the
// error.
func Observe(ctx context.Context, sources []Source, o Options) *Result {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	res := &Result{Started: now()}
	trackers := make([]*tracker, len(sources))
	for i, s := range sources {
		trackers[i] = newTracker(s)
	}
	read := func() {
		for _, t := range trackers {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
			t.read(rctx)
			cancel()
		}
	}
	read()
	end := res.Started.Add(o.Window)
	for {
		left := end.Sub(now())
		if left <= 0 {
			break
		}
		if err := sleep(ctx, min(o.Interval, left)); err != nil {
			res.Partial = true
			break
		}
		read()
	}
	if res.Partial {
		read() // the end of the interrupted window
	}
	res.Elapsed = now().Sub(res.Started)
	for _, t := range trackers {
		res.Sources = append(res.Sources, t.window())
	}
	return res
}

// readTimeout bounds one source's reading.
const readTimeout = 5 * time.Second

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
