package prom

import "strings"

// part selects which number of a sample a field takes.
type part int

const (
	partValue part = iota // a counter's, gauge's or untyped sample's value
	partCount             // a summary's or histogram's count
	partSum               // a summary's or histogram's sum
)

// target is one field a family's sample feeds.
type target struct {
	field string
	part  part
	scale float64 // multiplies the value; 0 means 1
}

// family says how one metric family maps onto an entity's fields.
type family struct {
	exporter  string
	kind      Kind
	nameLabel string // the label naming the pool or cache; "" when none
	// byLabel, when set, picks the field from that label's value through
	// fields (cache_gets_total{result="hit"}); samples with other values are
	// ignored.
	byLabel string
	fields  map[string]string
	targets []target
}

func one(field string) []target { return []target{{field: field}} }

// Exporter names, as Entity.Exporter reports them.
const (
	ExporterHikari     = "hikaricp"
	ExporterSQL        = "sql"
	ExporterPgxpool    = "pgxpool"
	ExporterGoRedis    = "go-redis"
	ExporterMicrometer = "micrometer"
	ExporterResync     = "resync"
)

// families maps exact family names. The names come from each exporter's
// source (see testdata/README.md for where each was read).
var families = func() map[string]family {
	m := map[string]family{}
	add := func(exporter string, kind Kind, label string, byName map[string][]target) {
		for name, ts := range byName {
			m[name] = family{exporter: exporter, kind: kind, nameLabel: label, targets: ts}
		}
	}
	// HikariCP's MicrometerMetricsTracker (com.zaxxer.hikari.metrics.micrometer).
	add(ExporterHikari, KindPool, "pool", map[string][]target{
		"hikaricp_connections":               one(Open),
		"hikaricp_connections_active":        one(InUse),
		"hikaricp_connections_idle":          one(Idle),
		"hikaricp_connections_pending":       one(Pending),
		"hikaricp_connections_max":           one(Max),
		"hikaricp_connections_min":           one(Min),
		"hikaricp_connections_timeout_total": one(Timeouts),
		"hikaricp_connections_acquire_seconds": {
			{field: Acquires, part: partCount}, {field: AcquireSeconds, part: partSum}},
		"hikaricp_connections_usage_seconds": {
			{field: Usages, part: partCount}, {field: UsageSeconds, part: partSum}},
		"hikaricp_connections_creation_seconds": {{field: Created, part: partCount}},
	})
	// client_golang prometheus/collectors/dbstats_collector.go.
	add(ExporterSQL, KindPool, "db_name", map[string][]target{
		"go_sql_max_open_connections":        one(Max),
		"go_sql_open_connections":            one(Open),
		"go_sql_in_use_connections":          one(InUse),
		"go_sql_idle_connections":            one(Idle),
		"go_sql_wait_count_total":            one(Waits),
		"go_sql_wait_duration_seconds_total": one(WaitSeconds),
		"go_sql_max_idle_closed_total":       one(Closed),
		"go_sql_max_idle_time_closed_total":  one(Closed),
		"go_sql_max_lifetime_closed_total":   one(Closed),
	})
	// IBM/pgxpoolprometheus collector.go: no naming label of its own, the
	// application passes constant labels.
	add(ExporterPgxpool, KindPool, "", map[string][]target{
		"pgxpool_acquire_count":          one(Acquires),
		"pgxpool_acquire_duration_ns":    {{field: AcquireSeconds, scale: 1e-9}},
		"pgxpool_acquired_conns":         one(InUse),
		"pgxpool_canceled_acquire_count": one(Cancels),
		"pgxpool_constructing_conns":     one(Constructing),
		"pgxpool_empty_acquire":          one(Waits),
		"pgxpool_idle_conns":             one(Idle),
		"pgxpool_max_conns":              one(Max),
		"pgxpool_total_conns":            one(Open),
	})
	// Micrometer's CacheMeterBinder (Caffeine, JCache, Guava, Ehcache binders).
	add(ExporterMicrometer, KindCache, "cache", map[string][]target{
		"cache_puts_total":      one(Puts),
		"cache_evictions_total": one(Evictions),
		"cache_size":            one(Size),
	})
	m["cache_gets_total"] = family{exporter: ExporterMicrometer, kind: KindCache, nameLabel: "cache",
		byLabel: "result", fields: map[string]string{"hit": Hits, "miss": Misses}}
	// resync serve, pkg/server/collector.go.
	add(ExporterResync, KindPool, "pool", map[string][]target{
		"resync_pool_connections_max":           one(Max),
		"resync_pool_connections_idle_min":      one(Min),
		"resync_pool_pending_requests":          one(Pending),
		"resync_pool_timeouts_total":            one(Timeouts),
		"resync_pool_cancellations_total":       one(Cancels),
		"resync_pool_connections_created_total": one(Created),
		"resync_pool_operations_total":          one(Operations),
		"resync_pool_wait_seconds": {
			{field: Waits, part: partCount}, {field: WaitSeconds, part: partSum}},
	})
	m["resync_pool_connections"] = family{exporter: ExporterResync, kind: KindPool, nameLabel: "pool",
		byLabel: "state", fields: map[string]string{"used": InUse, "idle": Idle}}
	// The closed reasons are summed into one figure.
	m["resync_pool_connections_closed_total"] = family{exporter: ExporterResync, kind: KindPool,
		nameLabel: "pool", byLabel: "reason", fields: map[string]string{
			"idle": Closed, "lifetime": Closed, "health": Closed, "error": Closed, "shutdown": Closed}}
	// The error kinds are summed into one figure.
	m["resync_pool_errors_total"] = family{exporter: ExporterResync, kind: KindPool,
		nameLabel: "pool", byLabel: "kind", fields: map[string]string{
			"dial": Errors, "health_check": Errors, "operation": Errors}}
	add(ExporterResync, KindCache, "cache", map[string][]target{
		"resync_cache_hits_total":        one(Hits),
		"resync_cache_misses_total":      one(Misses),
		"resync_cache_evictions_total":   one(Evictions),
		"resync_cache_expirations_total": one(Expirations),
		"resync_cache_items":             one(Size),
		"resync_cache_items_max":         one(SizeMax),
		"resync_cache_memory_bytes":      one(Bytes),
		"resync_cache_memory_bytes_max":  one(BytesMax),
	})
	return m
}()

// goRedis maps the suffixes of redisprometheus.NewCollector's families; the
// part before the suffix is the collector's namespace_subsystem, which names
// the pool when no label does.
var goRedis = map[string][]target{
	"pool_hit_total":          one(Hits),
	"pool_miss_total":         one(Misses),
	"pool_timeout_total":      one(Timeouts),
	"pool_conn_total_current": one(Open),
	"pool_conn_idle_current":  one(Idle),
	"pool_conn_stale_total":   one(Closed),
}

// lookup finds how a family maps, and the default name of its entities
// (used when the family has no naming label).
func lookup(name string) (family, string, bool) {
	if f, ok := families[name]; ok {
		return f, f.exporter, true
	}
	for suffix, ts := range goRedis {
		if name == suffix {
			return family{exporter: ExporterGoRedis, kind: KindPool, targets: ts}, ExporterGoRedis, true
		}
		if prefix, ok := strings.CutSuffix(name, "_"+suffix); ok && prefix != "" {
			return family{exporter: ExporterGoRedis, kind: KindPool, targets: ts}, prefix, true
		}
	}
	return family{}, "", false
}
