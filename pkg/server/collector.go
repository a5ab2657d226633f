package server

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/resync-dev/resync/pkg/report"
)

// register puts the Go, process, API, report and caller collectors on the
// server's own registry.
func (s *Server) register(extra []prometheus.Collector) error {
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&reportCollector{load: s.currentReport},
	}
	cs = append(cs, s.api.collectors()...)
	cs = append(cs, extra...)
	for _, c := range cs {
		if err := s.registry.Register(c); err != nil {
			return fmt.Errorf("server: register Prometheus collector: %w", err)
		}
	}
	return nil
}

// reportCollector exports the last published report in the Prometheus
// format. Names map the OpenTelemetry db.client.connection.* conventions
// (noted on each) to Prometheus style: a resync_ prefix, base units
// (seconds, bytes), _total on counters, _ratio on 0–1 values.
//
// Pool wait time (db.client.connection.wait_time) is a histogram at
// pools.DefaultWaitBuckets (100 µs to 10 s): the pools record waits in an
// HdrHistogram and each snapshot counts them at those bounds, with the exact
// count and sum. Figures cover the pool's lifetime and are as fresh as the
// report: the serve loop rebuilds it every --interval.
type reportCollector struct {
	load func() *report.Report
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

var (
	poolInfo        = desc("resync_pool_info", "A connection pool and its target (URL redacted); always 1.", "pool", "kind", "target")
	poolConns       = desc("resync_pool_connections", "Connections by state (db.client.connection.count).", "pool", "state")
	poolMax         = desc("resync_pool_connections_max", "Most connections the pool may open (db.client.connection.max).", "pool")
	poolIdleMin     = desc("resync_pool_connections_idle_min", "Connections the pool keeps open when idle (db.client.connection.idle.min).", "pool")
	poolPending     = desc("resync_pool_pending_requests", "Acquires waiting for a connection (db.client.connection.pending_requests).", "pool")
	poolWait        = desc("resync_pool_wait_seconds", "Time to acquire a connection, over the pool's lifetime (db.client.connection.wait_time).", "pool")
	poolTimeouts    = desc("resync_pool_timeouts_total", "Acquires that timed out (db.client.connection.timeouts).", "pool")
	poolErrors      = desc("resync_pool_errors_total", "Errors by kind: dial, health_check, operation.", "pool", "kind")
	poolExhaustions = desc("resync_pool_exhaustions_total", "Acquires that found no idle connection with the pool at its maximum size.", "pool")
	poolCancels     = desc("resync_pool_cancellations_total", "Acquires abandoned by the caller.", "pool")
	poolCreated     = desc("resync_pool_connections_created_total", "Connections opened.", "pool")
	poolClosed      = desc("resync_pool_connections_closed_total", "Connections closed, by reason: idle, lifetime, health, error, shutdown.", "pool", "reason")
	poolOps         = desc("resync_pool_operations_total", "Operations run through the pool.", "pool")
	poolUtil        = desc("resync_pool_utilization_ratio", "Time-weighted mean of used / max connections since the pool started (0–1).", "pool")
	poolReachable   = desc("resync_pool_reachable", "1 when the pool's target answered its last health check, else 0.", "pool")
	poolScore       = desc("resync_pool_efficiency_score", "The pool's efficiency score (0–100, DESIGN.md formula).", "pool")

	cacheHits     = desc("resync_cache_hits_total", "Cache lookups that found a live entry.", "cache")
	cacheMisses   = desc("resync_cache_misses_total", "Cache lookups that found nothing.", "cache")
	cacheEvicts   = desc("resync_cache_evictions_total", "Entries removed to respect the item or byte bound.", "cache")
	cacheExpires  = desc("resync_cache_expirations_total", "Entries removed because their TTL passed.", "cache")
	cacheItems    = desc("resync_cache_items", "Entries in the cache.", "cache")
	cacheItemsMax = desc("resync_cache_items_max", "The cache's item bound.", "cache")
	cacheBytes    = desc("resync_cache_memory_bytes", "Estimated bytes held by the cache.", "cache")
	cacheBytesMax = desc("resync_cache_memory_bytes_max", "The cache's byte bound.", "cache")
	cacheScore    = desc("resync_cache_efficiency_score", "The cache's efficiency score (0–100, DESIGN.md formula).", "cache")

	resActive   = desc("resync_resources_active", "Resources registered with the tracker and not yet released.")
	resCreated  = desc("resync_resources_created_total", "Resources registered with the tracker, by kind.", "kind")
	resReleased = desc("resync_resources_released_total", "Resources released, by kind.", "kind")
	resLeaks    = desc("resync_resources_leaks", "Potential leaks in the last report (at serve's --max-lifetime), by severity.", "severity")

	healthStatus = desc("resync_health_status", "1 for the overall health in the last report, 0 for the other states.", "status")
	reportTime   = desc("resync_report_timestamp_seconds", "When the last report was built (Unix time).")
)

var allDescs = []*prometheus.Desc{
	poolInfo, poolConns, poolMax, poolIdleMin, poolPending, poolWait, poolTimeouts, poolErrors,
	poolExhaustions, poolCancels, poolCreated, poolClosed, poolOps, poolUtil, poolReachable, poolScore,
	cacheHits, cacheMisses, cacheEvicts, cacheExpires, cacheItems, cacheItemsMax, cacheBytes, cacheBytesMax, cacheScore,
	resActive, resCreated, resReleased, resLeaks, healthStatus, reportTime,
}

// Describe sends every descriptor the collector may emit.
func (c *reportCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect emits the last report's figures; nothing before the first one.
func (c *reportCollector) Collect(ch chan<- prometheus.Metric) {
	r := c.load()
	if r == nil {
		return
	}
	for _, name := range r.PoolNames() {
		collectPool(ch, name, r.Pools[name])
	}
	for _, name := range r.CacheNames() {
		collectCache(ch, name, r.Caches[name])
	}
	collectResources(ch, r.Resources)
	for _, st := range []string{report.HealthHealthy, report.HealthDegraded, report.HealthCritical} {
		gauge(ch, healthStatus, boolFloat(r.OverallHealth == st), st)
	}
	gauge(ch, reportTime, float64(r.Timestamp.UnixNano())/1e9)
}

func collectPool(ch chan<- prometheus.Metric, name string, e report.PoolEntry) {
	m := e.Metrics
	gauge(ch, poolInfo, 1, name, m.Kind, m.Target)
	gauge(ch, poolConns, float64(m.Active), name, "used")
	gauge(ch, poolConns, float64(m.Idle), name, "idle")
	gauge(ch, poolMax, float64(m.MaxSize), name)
	gauge(ch, poolIdleMin, float64(m.MinSize), name)
	gauge(ch, poolPending, float64(m.Waiting), name)
	ch <- waitHistogram(name, m)
	counter(ch, poolTimeouts, m.Timeouts, name)
	counter(ch, poolErrors, m.ErrorsByKind.Dial, name, "dial")
	counter(ch, poolErrors, m.ErrorsByKind.HealthCheck, name, "health_check")
	counter(ch, poolErrors, m.ErrorsByKind.Operation, name, "operation")
	counter(ch, poolExhaustions, m.Exhaustions, name)
	counter(ch, poolCancels, m.Cancellations, name)
	counter(ch, poolCreated, m.Created, name)
	for _, c := range []struct {
		reason string
		n      uint64
	}{
		{"idle", m.Closed.Idle}, {"lifetime", m.Closed.Lifetime}, {"health", m.Closed.Health},
		{"error", m.Closed.Error}, {"shutdown", m.Closed.Shutdown},
	} {
		counter(ch, poolClosed, c.n, name, c.reason)
	}
	counter(ch, poolOps, m.Operations, name)
	gauge(ch, poolUtil, m.Utilization, name)
	gauge(ch, poolReachable, boolFloat(m.Reachable), name)
	gauge(ch, poolScore, e.EfficiencyScore, name)
}

// waitHistogram exports the pool's acquire waits as a histogram in seconds.
// A report without the distribution (one not built from live snapshots)
// yields only the count and sum (mean × acquires), never made-up buckets.
func waitHistogram(pool string, m report.PoolMetrics) prometheus.Metric {
	if m.AcquireWaitBuckets == nil {
		return prometheus.MustNewConstHistogram(poolWait, m.AcquireCount,
			m.AcquireWaitMs.Mean*1e-3*float64(m.AcquireCount), nil, pool)
	}
	buckets := make(map[float64]uint64, len(m.AcquireWaitBuckets))
	for _, b := range m.AcquireWaitBuckets {
		buckets[b.UpperBoundSeconds] = b.CumulativeCount
	}
	return prometheus.MustNewConstHistogram(poolWait, m.AcquireWaitCount, m.AcquireWaitSumSeconds, buckets, pool)
}

func collectCache(ch chan<- prometheus.Metric, name string, e report.CacheEntry) {
	m := e.Metrics
	counter(ch, cacheHits, m.Hits, name)
	counter(ch, cacheMisses, m.Misses, name)
	counter(ch, cacheEvicts, m.Evictions, name)
	counter(ch, cacheExpires, m.Expirations, name)
	gauge(ch, cacheItems, float64(m.Items), name)
	gauge(ch, cacheItemsMax, float64(m.MaxItems), name)
	gauge(ch, cacheBytes, float64(m.MemoryBytes), name)
	gauge(ch, cacheBytesMax, float64(m.MaxBytes), name)
	gauge(ch, cacheScore, e.EfficiencyScore, name)
}

func collectResources(ch chan<- prometheus.Metric, res report.Resources) {
	gauge(ch, resActive, float64(res.ActiveCount))
	for kind, ks := range res.ByKind {
		counter(ch, resCreated, ks.Created, kind)
		counter(ch, resReleased, ks.Released, kind)
	}
	for _, sev := range []string{report.SeverityCritical, report.SeverityWarning, report.SeverityInfo} {
		n := res.LeaksBySeverity[sev]
		if res.LeaksBySeverity == nil {
			n = countSeverity(res.PotentialLeaks, sev)
		}
		gauge(ch, resLeaks, float64(n), sev)
	}
}

func countSeverity(leaks []report.Leak, sev string) int {
	n := 0
	for _, l := range leaks {
		if l.Severity == sev {
			n++
		}
	}
	return n
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func counter(ch chan<- prometheus.Metric, d *prometheus.Desc, v uint64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
