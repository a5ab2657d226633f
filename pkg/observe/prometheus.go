package observe

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync"

	"github.com/resync-dev/resync/pkg/observe/prom"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/target"
)

// PrometheusSource reads an application's own pools and caches from its
// Prometheus endpoint (pkg/observe/prom): HikariCP, database/sql's DBStats
// collector, pgxpool, go-redis, Micrometer caches and resync's own
// resync_* families. One reading is one GET of the endpoint. Each pool and
// cache the endpoint exposes is one Pool or Cache, named by the
// exporter's label (pool, db_name, cache, …); a name two exporters share
// gets the exporter in front ("sql:orders").
type PrometheusSource struct {
	name, url string
	scraper   prom.Scraper
	transport *http.Transport

	mu      sync.Mutex
	ignored []string
}

// NewPrometheus returns the source for the Prometheus endpoint name at
// rawURL (http:// or https://).
func NewPrometheus(name, rawURL string) *PrometheusSource {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 1
	return &PrometheusSource{
		name: name, url: rawURL, transport: tr,
		scraper: prom.Scraper{Client: &http.Client{Transport: tr, Timeout: readTimeout}},
	}
}

// Name implements Source.
func (s *PrometheusSource) Name() string { return report.SourcePrometheus }

// Target implements Source.
func (s *PrometheusSource) Target() (string, string, string) {
	return s.name, string(target.Prometheus), redact.URL(s.url)
}

// Close implements Source: it closes the idle keep-alive connection.
func (s *PrometheusSource) Close() error {
	s.transport.CloseIdleConnections()
	return nil
}

// Ignored lists the families of the last reading that no known exporter
// writes (for -v).
func (s *PrometheusSource) Ignored() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ignored)
}

// Snapshot implements Source. A body that is not a Prometheus exposition
// is an error saying so (prom.ErrNotPrometheus), redacted.
func (s *PrometheusSource) Snapshot(ctx context.Context) (Reading, error) {
	snap, err := s.scraper.Scrape(ctx, s.url)
	if err != nil {
		return Reading{Queries: 1}, err
	}
	s.mu.Lock()
	s.ignored = snap.Ignored
	s.mu.Unlock()
	r := PrometheusReading(snap)
	r.Queries, r.Bytes = 1, snap.Bytes
	return r, nil
}

// PrometheusReading turns one scrape into caches and pools, in the
// snapshot's order.
func PrometheusReading(snap *prom.Snapshot) Reading {
	var r Reading
	names := promNames(snap.Entities)
	for _, e := range snap.Entities {
		switch e.Kind {
		case prom.KindPool:
			p := promPool(e)
			p.Name = names[e.Key()]
			r.Pools = append(r.Pools, p)
		case prom.KindCache:
			c := promCache(e)
			c.Name = names[e.Key()]
			r.Caches = append(r.Caches, c)
		}
	}
	return r
}

// promNames names each entity by its label, or exporter:label when
// another exporter's entity of the same kind has that name.
func promNames(entities []*prom.Entity) map[string]string {
	seen := map[string]int{}
	for _, e := range entities {
		seen[string(e.Kind)+"/"+e.Name]++
	}
	out := make(map[string]string, len(entities))
	for _, e := range entities {
		n := e.Name
		if seen[string(e.Kind)+"/"+e.Name] > 1 {
			n = e.Exporter + ":" + e.Name
		}
		out[e.Key()] = n
	}
	return out
}

// promExporters says, per exporter, how its pools map onto the spec's
// metrics: which setting bounds the pool, how to paste a new one, which
// metrics it cannot give and which figures are derived.
var promExporters = map[string]struct {
	maxSetting, pasteMax string
	missing              []string
	derived              []string
}{
	prom.ExporterHikari: {"maximumPoolSize", "spring.datasource.hikari.maximum-pool-size=%d", nil, []string{
		derivedPromWait("HikariCP's acquire timer (hikaricp_connections_acquire_seconds)", "every acquire"),
		"error_rate and exhaustions: hikaricp_connections_timeout_total, the acquires that timed out waiting for a connection"}},
	prom.ExporterSQL: {"SetMaxOpenConns", "db.SetMaxOpenConns(%d)", []string{report.MetricErrorRate}, []string{
		derivedPromWait("database/sql (go_sql_wait_count_total, go_sql_wait_duration_seconds_total)", "the acquires that waited for a free connection"),
		"error_rate: database/sql counts no failed acquires, so it is missing"}},
	prom.ExporterPgxpool: {"pool_max_conns", "pool_max_conns=%d", nil, []string{
		derivedPromWait("pgxpool (pgxpool_acquire_duration_ns ÷ pgxpool_acquire_count)", "every acquire"),
		"error_rate: pgxpool_canceled_acquire_count, the acquires whose context ended first"}},
	prom.ExporterGoRedis: {"PoolSize", "PoolSize: %d", []string{report.MetricAcquireWait, report.MetricUtilization}, []string{
		"acquire_wait and utilization: go-redis's collector exposes no wait time and no PoolSize, so they are missing; in use is pool_conn_total_current − pool_conn_idle_current",
		"error_rate and exhaustions: pool_timeout_total, the acquires that timed out with all PoolSize connections in use"}},
	prom.ExporterResync: {"*_POOL_MAX_SIZE", "", nil, []string{
		derivedPromWait("resync's wait histogram (resync_pool_wait_seconds sum and count)", "every acquire"),
		"error_rate: resync_pool_errors_total plus resync_pool_timeouts_total over the acquires"}},
}

// derivedPromWait is the Derived entry of a pool whose wait is a sum.
func derivedPromWait(what, counted string) string {
	return "acquire_wait_ms: " + what + " gives only a count and a total; mean and p50 are the mean wait of " +
		counted + " over the window, p95, p99 and max the largest mean of one interval"
}

const derivedPromUtilization = "utilization: connections in use ÷ the pool's maximum at each reading, averaged over the readings"

func promPool(e *prom.Entity) Pool {
	v := e.Values
	n := func(f string) uint64 { return uint64(math.Round(max(v[f], 0))) }
	p := Pool{
		Kind:   e.Exporter,
		Active: int(n(prom.InUse)), Idle: int(n(prom.Idle)), Waiting: int(n(prom.Pending)), MaxSize: int(n(prom.Max)),
		ActiveOnly: true,
		Facts:      map[string]string{},
	}
	micros := func(f string) uint64 { return uint64(math.Round(max(v[f], 0) * 1e6)) }
	switch e.Exporter {
	case prom.ExporterHikari:
		p.Attempts = n(prom.Acquires) + n(prom.Timeouts)
		p.Errors, p.Rejected = n(prom.Timeouts), n(prom.Timeouts)
		p.WaitCount, p.WaitTotalUs = n(prom.Acquires), micros(prom.AcquireSeconds)
	case prom.ExporterSQL:
		p.WaitCount, p.WaitTotalUs = n(prom.Waits), micros(prom.WaitSeconds)
	case prom.ExporterPgxpool:
		p.Attempts = n(prom.Acquires) + n(prom.Cancels)
		p.Errors = n(prom.Cancels)
		p.WaitCount, p.WaitTotalUs = n(prom.Acquires), micros(prom.AcquireSeconds)
	case prom.ExporterGoRedis:
		p.Active = int(max(n(prom.Open), n(prom.Idle)) - n(prom.Idle))
		p.Attempts = n(prom.Hits) + n(prom.Misses) + n(prom.Timeouts)
		p.Errors, p.Rejected = n(prom.Timeouts), n(prom.Timeouts)
		p.MaxSize = 0 // not exposed
	case prom.ExporterResync:
		p.Attempts = n(prom.Waits) + n(prom.Timeouts)
		p.Errors, p.Rejected = n(prom.Errors)+n(prom.Timeouts), n(prom.Timeouts)
		p.WaitCount, p.WaitTotalUs = n(prom.Waits), micros(prom.WaitSeconds)
	}
	x := promExporters[e.Exporter]
	p.Missing = slices.Clone(x.missing)
	p.Derived = slices.Clone(x.derived)
	if p.MaxSize > 0 {
		p.Derived = append(p.Derived, derivedPromUtilization)
	}
	if x.maxSetting != "" {
		p.Facts[FactMaxSetting] = x.maxSetting
	}
	if x.pasteMax != "" {
		p.Facts[FactPasteMax] = x.pasteMax
	}
	return p
}

func promCache(e *prom.Entity) Cache {
	v := e.Values
	n := func(f string) uint64 { return uint64(math.Round(max(v[f], 0))) }
	c := Cache{
		Hits: n(prom.Hits), Misses: n(prom.Misses), Sets: n(prom.Puts),
		Evictions: n(prom.Evictions), Expirations: n(prom.Expirations),
		Items: int64(n(prom.Size)), MemoryBytes: int64(n(prom.Bytes)), MaxBytes: int64(n(prom.BytesMax)),
		Facts: map[string]string{},
	}
	if _, ok := v[prom.Puts]; !ok {
		// No write counter (resync_cache_*): evictions per write cannot
		// be computed.
		c.Missing = append(c.Missing, report.MetricEvictionRate)
	}
	return c
}
