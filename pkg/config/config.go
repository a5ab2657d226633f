// Package config is resync's typed configuration: defaults from the spec,
// a TOML settings file with environment tables, environment variables and
// command-line flags, in that order of precedence, validated once.
package config

import "time"

// Config is the effective configuration after every source was applied.
type Config struct {
	// Env is the environment table applied over [default] ("" for none).
	Env string `json:"env"`
	// File is the settings file that was read ("" for none).
	File     string         `json:"file"`
	Cache    CacheConfig    `json:"async_cache"`
	Pools    PoolsConfig    `json:"connection_pool"`
	Targets  TargetsConfig  `json:"targets"`
	Workload WorkloadConfig `json:"workload"`

	// Sources maps every key ("ASYNC_CACHE.TTL_SECONDS") to where its
	// value came from.
	Sources map[string]Source `json:"-"`
}

// CacheConfig is the [ASYNC_CACHE] table.
type CacheConfig struct {
	TTL             time.Duration `json:"ttl"`              // TTL_SECONDS / ASYNC_CACHE_TTL
	CleanupInterval time.Duration `json:"cleanup_interval"` // CLEANUP_INTERVAL (seconds)
	Shards          int           `json:"num_shards"`       // NUM_SHARDS
	MaxWorkers      int           `json:"max_workers"`      // MAX_WORKERS
	MaxItems        int           `json:"max_items"`        // MAX_ITEMS
	MaxMemoryMB     int           `json:"max_memory_mb"`    // MAX_MEMORY_MB
}

// PoolConfig is one pool's six settings (DB_POOL_*, REDIS_POOL_*, HTTP_POOL_*).
type PoolConfig struct {
	MinSize             int           `json:"min_size"`
	MaxSize             int           `json:"max_size"`
	ConnectTimeout      time.Duration `json:"connect_timeout"`
	IdleTimeout         time.Duration `json:"idle_timeout"`
	MaxLifetime         time.Duration `json:"max_lifetime"`
	HealthCheckInterval time.Duration `json:"health_check_interval"`
}

// PoolsConfig is the [CONNECTION_POOL] table.
type PoolsConfig struct {
	DB    PoolConfig `json:"db"`
	Redis PoolConfig `json:"redis"`
	HTTP  PoolConfig `json:"http"`
}

// TargetsConfig is the [TARGETS] table. URLs hold secrets: print them only
// through redact.URL (or as target.Target values, which print redacted).
type TargetsConfig struct {
	DatabaseURLs []string `json:"database_urls"`
	RedisURL     string   `json:"redis_url"`
	HTTPURLs     []string `json:"http_urls"`
	// PgbouncerURLs are pgbouncer admin consoles, read in observe mode
	// only; they are not targets of the workload (Empty ignores them).
	PgbouncerURLs []string `json:"pgbouncer_urls"`
	// MetricsURLs are Prometheus endpoints (an application's /metrics),
	// read in observe mode only; they are not load targets, so Empty
	// ignores them.
	MetricsURLs []string `json:"metrics_urls"`
}

// Empty reports whether no target is configured (resync then runs against
// its embedded default targets).
func (t TargetsConfig) Empty() bool {
	return len(t.DatabaseURLs) == 0 && t.RedisURL == "" && len(t.HTTPURLs) == 0
}

// WorkloadConfig is the [WORKLOAD] table.
type WorkloadConfig struct {
	Duration     time.Duration `json:"duration"`
	Concurrency  int           `json:"concurrency"`
	Rate         float64       `json:"rate"` // operations per second; 0 = closed loop
	Keys         int           `json:"keys"`
	Distribution string        `json:"distribution"` // zipf | uniform | hotset
	// Thresholds are the load commands' pass/fail criteria
	// (pkg/threshold), as written; --threshold replaces them.
	Thresholds []string `json:"thresholds"`
	// Observe > 0 is observe mode: the targets' own counters over this
	// window, no workload.
	Observe         time.Duration `json:"observe"`
	ObserveInterval time.Duration `json:"observe_interval"`
}

// SourceKind says which layer a value came from.
type SourceKind string

// The layers, lowest precedence first.
const (
	FromDefault SourceKind = "default"
	FromFile    SourceKind = "file"
	FromEnv     SourceKind = "env"
	FromFlag    SourceKind = "flag"
)

// Source is where one value came from, precise enough for an error message:
// "file settings.toml:12", "env DB_POOL_MAX_SIZE", "flag --duration".
type Source struct {
	Kind SourceKind `json:"kind"`
	// Detail is the file and line, the variable name or the flag name.
	Detail string `json:"detail,omitempty"`
}

func (s Source) String() string {
	if s.Detail == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + " " + s.Detail
}
