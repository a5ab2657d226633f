package config

import "strings"

// The value types of configuration keys, as shown in docs and `config show`.
const (
	TypeInt      = "integer"  // a whole number
	TypeSeconds  = "seconds"  // a number of seconds (integer or fractional) or a Go duration string
	TypeDuration = "duration" // a Go duration string ("10s", "1m30s") or a number of seconds
	TypeNumber   = "number"   // an integer or a float
	TypeString   = "string"   // text, possibly limited to Choices
	TypeURL      = "url"      // one target URL
	TypeURLList  = "url list" // TOML array of URLs; in env and flags comma-separated
	TypeList     = "list"     // TOML array of strings; in env comma-separated
)

// The tables of an environment, in file order.
const (
	TableCache    = "ASYNC_CACHE"
	TablePools    = "CONNECTION_POOL"
	TableTargets  = "TARGETS"
	TableWorkload = "WORKLOAD"
)

// Tables lists the tables every environment may hold, in file order.
func Tables() []string { return []string{TableCache, TablePools, TableTargets, TableWorkload} }

// Key describes one configuration key: its name in the settings file, the
// environment variables that set it, its type, default and meaning. Keys()
// is the single list that loading, `config show`, `config init` and the
// reference documentation are built from.
type Key struct {
	// Name is "TABLE.FIELD", e.g. "CONNECTION_POOL.DB_POOL_MAX_SIZE".
	Name string
	// Env lists the environment variables that set the key; when several
	// are set, the first one wins.
	Env []string
	// Type is one of the Type… constants.
	Type string
	// Choices are the accepted values of a string key (nil = any).
	Choices []string
	// Default is the default value as text ("" when there is none).
	Default string
	// Example is a sample value for keys without a default.
	Example string
	// Description is one line saying what the key does.
	Description string

	// field returns a pointer into a Config: *int, *time.Duration,
	// *float64, *string or *[]string, matching Type.
	field func(*Config) any
}

// Table returns the table part of the name ("CONNECTION_POOL").
func (k Key) Table() string { t, _, _ := strings.Cut(k.Name, "."); return t }

// Field returns the key inside its table ("DB_POOL_MAX_SIZE").
func (k Key) Field() string { _, f, _ := strings.Cut(k.Name, "."); return f }

// Keys returns every configuration key in settings-file order.
func Keys() []Key {
	out := make([]Key, len(registry))
	copy(out, registry)
	return out
}

// LookupKey returns the key with the given name ("WORKLOAD.DURATION").
func LookupKey(name string) (Key, bool) {
	i, ok := keyIndex[name]
	if !ok {
		return Key{}, false
	}
	return registry[i], true
}

var (
	registry = buildRegistry()
	keyIndex = func() map[string]int {
		m := make(map[string]int, len(registry))
		for i, k := range registry {
			m[k.Name] = i
		}
		return m
	}()
)

func buildRegistry() []Key {
	keys := []Key{
		{Name: "ASYNC_CACHE.TTL_SECONDS", Env: []string{"ASYNC_CACHE_TTL"}, Type: TypeSeconds,
			Description: "Time-to-live of a cache entry, in seconds.",
			field:       func(c *Config) any { return &c.Cache.TTL }},
		{Name: "ASYNC_CACHE.CLEANUP_INTERVAL", Type: TypeSeconds,
			Description: "How often expired entries are swept from the cache, in seconds.",
			field:       func(c *Config) any { return &c.Cache.CleanupInterval }},
		{Name: "ASYNC_CACHE.NUM_SHARDS", Type: TypeInt,
			Description: "Number of cache shards (more shards, less lock contention).",
			field:       func(c *Config) any { return &c.Cache.Shards }},
		{Name: "ASYNC_CACHE.MAX_WORKERS", Type: TypeInt,
			Description: "Maximum concurrent background workers of the cache (cleanup).",
			field:       func(c *Config) any { return &c.Cache.MaxWorkers }},
		{Name: "ASYNC_CACHE.MAX_ITEMS", Type: TypeInt,
			Description: "Maximum number of entries the cache holds before evicting.",
			field:       func(c *Config) any { return &c.Cache.MaxItems }},
		{Name: "ASYNC_CACHE.MAX_MEMORY_MB", Type: TypeInt,
			Description: "Maximum estimated memory of the cache's entries, in MiB.",
			field:       func(c *Config) any { return &c.Cache.MaxMemoryMB }},
	}
	for _, p := range []struct {
		prefix, what, a string
		pool            func(*Config) *PoolConfig
	}{
		{"DB", "database", "a", func(c *Config) *PoolConfig { return &c.Pools.DB }},
		{"REDIS", "Redis", "a", func(c *Config) *PoolConfig { return &c.Pools.Redis }},
		{"HTTP", "HTTP", "an", func(c *Config) *PoolConfig { return &c.Pools.HTTP }},
	} {
		pool := p.pool
		keys = append(keys,
			poolKey(p.prefix, "MIN_SIZE", TypeInt, "Connections the "+p.what+" pool keeps open even when idle (0 = none).",
				func(c *Config) any { return &pool(c).MinSize }),
			poolKey(p.prefix, "MAX_SIZE", TypeInt, "Most connections the "+p.what+" pool opens at once.",
				func(c *Config) any { return &pool(c).MaxSize }),
			poolKey(p.prefix, "CONNECT_TIMEOUT", TypeSeconds, "Seconds to wait for a new "+p.what+" connection.",
				func(c *Config) any { return &pool(c).ConnectTimeout }),
			poolKey(p.prefix, "IDLE_TIMEOUT", TypeSeconds, "Seconds an idle "+p.what+" connection is kept before closing (0 = forever).",
				func(c *Config) any { return &pool(c).IdleTimeout }),
			poolKey(p.prefix, "MAX_LIFETIME", TypeSeconds, "Seconds after which "+p.a+" "+p.what+" connection is retired (0 = no limit).",
				func(c *Config) any { return &pool(c).MaxLifetime }),
			poolKey(p.prefix, "HEALTH_CHECK_INTERVAL", TypeSeconds, "Seconds between health checks of idle "+p.what+" connections (0 = off).",
				func(c *Config) any { return &pool(c).HealthCheckInterval }),
		)
	}
	keys = append(keys,
		Key{Name: "TARGETS.DATABASE_URLS", Env: []string{"RESYNC_DATABASE_URL", "DATABASE_URL"}, Type: TypeURLList,
			Example:     `postgres://app@localhost:5432/app`,
			Description: "Databases to diagnose: postgres://, postgresql://, mysql://, sqlite://PATH or sqlite::memory:.",
			field:       func(c *Config) any { return &c.Targets.DatabaseURLs }},
		Key{Name: "TARGETS.REDIS_URL", Env: []string{"RESYNC_REDIS_URL", "REDIS_URL"}, Type: TypeURL,
			Example:     `redis://localhost:6379/0`,
			Description: "Redis server to diagnose: redis:// or rediss:// (TLS).",
			field:       func(c *Config) any { return &c.Targets.RedisURL }},
		Key{Name: "TARGETS.HTTP_URLS", Env: []string{"RESYNC_HTTP_URL"}, Type: TypeURLList,
			Example:     `https://api.example.com/health`,
			Description: "HTTP(S) endpoints to diagnose: http:// or https://.",
			field:       func(c *Config) any { return &c.Targets.HTTPURLs }},
		Key{Name: "TARGETS.PGBOUNCER_URLS", Env: []string{"RESYNC_PGBOUNCER_URL"}, Type: TypeURLList,
			Example:     `postgres://stats@localhost:6432/pgbouncer`,
			Description: "pgbouncer admin consoles to observe (--observe): postgres://USER@HOST:6432/pgbouncer, USER in admin_users or stats_users.",
			field:       func(c *Config) any { return &c.Targets.PgbouncerURLs }},
		Key{Name: "TARGETS.METRICS_URLS", Env: []string{"RESYNC_METRICS_URL"}, Type: TypeURLList,
			Example:     `http://127.0.0.1:9090/metrics`,
			Description: "Prometheus endpoints (an application's /metrics) whose pools and caches observe mode reads: http:// or https://.",
			field:       func(c *Config) any { return &c.Targets.MetricsURLs }},
		Key{Name: "WORKLOAD.DURATION", Type: TypeDuration,
			Description: "How long the workload runs (Go duration such as 30s or 2m, or seconds).",
			field:       func(c *Config) any { return &c.Workload.Duration }},
		Key{Name: "WORKLOAD.CONCURRENCY", Type: TypeInt,
			Description: "Concurrent workers driving operations; at most 10,000 (MaxWorkloadConcurrency).",
			field:       func(c *Config) any { return &c.Workload.Concurrency }},
		Key{Name: "WORKLOAD.RATE", Type: TypeNumber,
			Description: "Operations per second per target: each pool gets its own arrivals, so N targets run N × RATE in all (0 = closed loop: as fast as the workers go); at most 1,000,000 (MaxWorkloadRate).",
			field:       func(c *Config) any { return &c.Workload.Rate }},
		Key{Name: "WORKLOAD.KEYS", Type: TypeInt,
			Description: "Number of distinct keys the workload draws from.",
			field:       func(c *Config) any { return &c.Workload.Keys }},
		Key{Name: "WORKLOAD.DISTRIBUTION", Type: TypeString, Choices: []string{"zipf", "uniform", "hotset"},
			Description: "Key popularity: zipf (a few keys are very hot), uniform, or hotset (a small hot set gets most accesses).",
			field:       func(c *Config) any { return &c.Workload.Distribution }},
		Key{Name: "WORKLOAD.THRESHOLDS", Type: TypeList, Example: "*.error_rate<1%",
			Description: "Pass/fail criteria on the load commands' final figures, SUBJECT.METRIC OP VALUE such as redis.p99<5ms; any that fails exits 3; --threshold replaces them (docs/thresholds.md).",
			field:       func(c *Config) any { return &c.Workload.Thresholds }},
		Key{Name: "WORKLOAD.OBSERVE", Type: TypeDuration,
			Description: "Observe mode: read the targets' own counters for this long and send no workload (0 = off, run the workload).",
			field:       func(c *Config) any { return &c.Workload.Observe }},
		Key{Name: "WORKLOAD.OBSERVE_INTERVAL", Type: TypeDuration,
			Description: "Observe mode: how often the targets' counters are read between the start and the end.",
			field:       func(c *Config) any { return &c.Workload.ObserveInterval }},
	)
	defaults := Defaults()
	for i := range keys {
		k := &keys[i]
		if k.Env == nil {
			k.Env = []string{defaultEnvName(*k)}
		}
		k.Default = k.text(&defaults)
	}
	return keys
}

func poolKey(prefix, suffix, typ, desc string, field func(*Config) any) Key {
	return Key{Name: TablePools + "." + prefix + "_POOL_" + suffix, Type: typ, Description: desc, field: field}
}

// defaultEnvName is the variable named after the key: the pool keys are
// named as in the file (DB_POOL_MAX_SIZE), cache keys carry the table
// prefix (ASYNC_CACHE_NUM_SHARDS) and workload keys the RESYNC_ prefix.
func defaultEnvName(k Key) string {
	switch k.Table() {
	case TablePools:
		return k.Field()
	case TableWorkload:
		return "RESYNC_WORKLOAD_" + k.Field()
	default:
		return k.Table() + "_" + k.Field()
	}
}
