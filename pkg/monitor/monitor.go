package monitor

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/server"
)

// StatsCache is a cache the monitor reads: a resync *cache.Cache of any key
// and value type satisfies it.
type StatsCache interface {
	Stats() cache.Stats
}

// Monitor samples registered pools and caches, keeps the last report and
// serves it. All methods are safe for concurrent use. Create it with New
// and stop it with Close.
type Monitor struct {
	opts    Options
	tracker *resources.Tracker
	srv     *server.Server
	started time.Time

	mu      sync.Mutex // guards what follows and serialises sampling
	pools   []poolEntry
	caches  []cacheEntry
	names   map[string]bool
	access  map[string]*CacheMonitor
	regColl bool // the report collector is on opts.Registerer

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

type poolEntry struct {
	name string
	src  poolSource
}

type cacheEntry struct {
	name string
	src  StatsCache
}

// New starts a monitor: it publishes a first (empty) report, then samples
// every Options.Interval until Close.
func New(opts Options) *Monitor {
	opts = opts.withDefaults()
	m := &Monitor{
		opts:    opts,
		tracker: resources.New(opts.Tracker),
		started: opts.Clock(),
		names:   map[string]bool{},
		access:  map[string]*CacheMonitor{},
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	srv, err := server.New(server.Options{
		Token:       opts.Token,
		Leaks:       m.leaks,
		MaxLifetime: opts.MaxLifetime,
		Logger:      opts.Logger,
	})
	if err != nil { // only with Leaks nil or a collector clash, neither possible here
		panic(err)
	}
	m.srv = srv
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(srv.ReportCollector()); err != nil {
			opts.Logger.Error("monitor: the report's metrics are not on Options.Registerer", "error", err)
		} else {
			m.regColl = true
		}
	}
	m.publish(m.sample())
	go m.loop()
	return m
}

func (m *Monitor) loop() {
	defer close(m.done)
	t := time.NewTicker(m.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.publish(m.sample())
		}
	}
}

// Interval is the sampling interval in use (Options.Interval after
// defaults and bounds).
func (m *Monitor) Interval() time.Duration { return m.opts.Interval }

// unique returns name, or name#2, name#3… when taken; m.mu is held. A
// name with a URL or a DSN in it (a service may name a pool by its
// connection string) is redacted first: the name is printed in every body
// and label.
func (m *Monitor) unique(name string) string {
	name = redact.URL(name)
	n := name
	for i := 2; m.names[n]; i++ {
		n = fmt.Sprintf("%s#%d", name, i)
	}
	m.names[n] = true
	return n
}

func (m *Monitor) addPool(name string, src func(name string, now time.Time) poolSource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = m.unique(name)
	m.pools = append(m.pools, poolEntry{name: name, src: src(name, m.opts.Clock())})
}

// RegisterSQLDB watches a database/sql pool through db.Stats. A repeated
// name gets a "#2" suffix.
func (m *Monitor) RegisterSQLDB(name string, db *sql.DB) {
	m.addPool(name, func(name string, now time.Time) poolSource { return newSQLSource(name, db, now) })
}

// RegisterPgxPool watches a pgx pool through pool.Stat.
func (m *Monitor) RegisterPgxPool(name string, pool *pgxpool.Pool) {
	m.addPool(name, func(name string, now time.Time) poolSource { return newPgxSource(name, pool, now) })
}

// RegisterRedis watches a go-redis v9 client's connection pool through
// PoolStats.
func (m *Monitor) RegisterRedis(name string, client RedisClient) {
	m.addPool(name, func(name string, now time.Time) poolSource { return newRedisSource(name, client, now) })
}

// RegisterPool watches a resync pool (pkg/pools) through its Snapshot.
func (m *Monitor) RegisterPool(name string, p SnapshotPool) {
	m.addPool(name, func(name string, _ time.Time) poolSource { return &resyncSource{name: name, pool: p} })
}

// RegisterCache watches a cache that reports its own Stats, such as a
// resync *cache.Cache.
func (m *Monitor) RegisterCache(name string, c StatsCache) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.caches = append(m.caches, cacheEntry{name: m.unique(name), src: c})
}

// Cache returns the access recorder of a cache resync does not own,
// creating it on first use; the same name gives the same recorder.
func (m *Monitor) Cache(name string) *CacheMonitor {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.access[name]; ok {
		return c
	}
	c := newCacheMonitor(m.unique(name))
	m.access[name] = c
	m.caches = append(m.caches, cacheEntry{name: c.name, src: c})
	return c
}

// Tracker is the monitor's resources tracker: register scopes and batches
// on it and their leaks appear in the report and in /resources/leaks.
func (m *Monitor) Tracker() *resources.Tracker { return m.tracker }

// Report samples every registered pool and cache now and returns the
// report (the type the CLI prints), which the handler then serves too.
func (m *Monitor) Report(ctx context.Context) (*report.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := m.sample()
	if err := m.srv.Publish(r); err != nil {
		return r, err
	}
	return r, nil
}

// Handler serves /api/performance/* (the bodies of "resync serve") and
// /metrics. Mount it on both: http.Handle("/api/performance/", h) and
// http.Handle("/metrics", h).
func (m *Monitor) Handler() http.Handler { return m.srv }

// Serve runs the handler on ln with the http.Server timeouts of "resync
// serve" until ctx ends, then shuts down gracefully. It is optional: a
// service may mount Handler on its own server instead.
func (m *Monitor) Serve(ctx context.Context, ln net.Listener) error { return m.srv.Serve(ctx, ln) }

// Close stops sampling and waits for the sampler, removes the report's
// collector from Options.Registerer and stops Serve. It does not close the
// registered pools, which belong to the caller. Calling it again does
// nothing.
func (m *Monitor) Close() error {
	var err error
	m.closeOnce.Do(func() {
		close(m.stop)
		<-m.done
		m.mu.Lock()
		if m.regColl {
			m.opts.Registerer.Unregister(m.srv.ReportCollector())
		}
		m.mu.Unlock()
		err = m.srv.Close()
	})
	return err
}

func (m *Monitor) publish(r *report.Report) {
	if err := m.srv.Publish(r); err != nil {
		m.opts.Logger.Warn("monitor: report not published; the previous one is still served", "error", err)
	}
}

// sample reads every source and builds the report.
func (m *Monitor) sample() *report.Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Clock()
	in := report.Input{
		Now:       now,
		Duration:  now.Sub(m.started),
		Resources: m.tracker.Stats(),
		Leaks:     m.tracker.DetectLeaks(m.opts.MaxLifetime),
	}
	names := make(map[string]settingNames, len(m.pools))
	for _, p := range m.pools {
		snap, derived := p.src.sample(now)
		in.Targets = append(in.Targets, report.Target{Name: p.name, Kind: snap.Kind, URL: snap.Target, Reachable: snap.Reachable, Error: snap.LastError})
		in.Pools = append(in.Pools, report.PoolInput{Snapshot: snap, Derived: derived})
		names[p.name] = p.src.settings()
	}
	for _, c := range m.caches {
		in.Caches = append(in.Caches, report.CacheInput{Name: c.name, Stats: c.src.Stats()})
	}
	r := report.Build(in)
	for name, e := range r.Pools {
		for i := range e.Recommendations {
			e.Recommendations[i].Suggestion = names[name].rename(e.Recommendations[i].Suggestion)
		}
	}
	return r
}

// leaks is the scan behind /resources/leaks: the tracker's resources alive
// longer than maxLifetime. The monitor inspects no server sessions.
func (m *Monitor) leaks(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error) {
	if err := ctx.Err(); err != nil {
		return report.LeakScan{}, err
	}
	return report.LeakScan{Leaks: m.tracker.DetectLeaks(maxLifetime)}, nil
}
