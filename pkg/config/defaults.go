package config

import (
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/workload"
)

// The defaults of [ASYNC_CACHE] and [WORKLOAD] are the domain packages'
// own documented constants; config repeats none of them.
const (
	DefaultCacheTTL             = cache.DefaultTTL
	DefaultCacheCleanupInterval = cache.DefaultCleanupInterval
	DefaultCacheShards          = cache.DefaultShards
	DefaultCacheMaxWorkers      = cache.DefaultMaxWorkers
	DefaultCacheMaxItems        = cache.DefaultMaxItems
	DefaultCacheMaxMemoryMB     = cache.DefaultMaxBytes >> 20
	DefaultWorkloadDuration     = workload.DefaultDuration
	DefaultWorkloadConcurrency  = workload.DefaultConcurrency
	DefaultWorkloadKeys         = workload.DefaultKeys
	DefaultWorkloadDistribution = workload.DefaultDist
)

// The [CONNECTION_POOL] defaults are pkg/pools' DefaultDB…, DefaultRedis…
// and DefaultHTTP… constants. pkg/pools still imports this package (its
// FromConfig and OptionsFrom adapters), so they cannot be referenced here
// yet without an import cycle; TestPoolDefaultsArePools keeps the two
// equal until those adapters move out of pkg/pools.
var (
	defaultDBPool    = PoolConfig{20, 100, 60 * time.Second, 1200 * time.Second, 1800 * time.Second, 60 * time.Second}
	defaultRedisPool = PoolConfig{5, 20, 30 * time.Second, 300 * time.Second, 1800 * time.Second, 60 * time.Second}
	defaultHTTPPool  = PoolConfig{10, 100, 10 * time.Second, 300 * time.Second, 1800 * time.Second, 60 * time.Second}
)

// Defaults returns the configuration with every value at its default: the
// one place the defaults are assembled (the key registry, `config show`
// and `config init` all read them from here).
func Defaults() Config {
	return Config{
		Cache: CacheConfig{
			TTL:             DefaultCacheTTL,
			CleanupInterval: DefaultCacheCleanupInterval,
			Shards:          DefaultCacheShards,
			MaxWorkers:      DefaultCacheMaxWorkers,
			MaxItems:        DefaultCacheMaxItems,
			MaxMemoryMB:     DefaultCacheMaxMemoryMB,
		},
		Pools: PoolsConfig{DB: defaultDBPool, Redis: defaultRedisPool, HTTP: defaultHTTPPool},
		Workload: WorkloadConfig{
			Duration:     DefaultWorkloadDuration,
			Concurrency:  DefaultWorkloadConcurrency,
			Keys:         DefaultWorkloadKeys,
			Distribution: DefaultWorkloadDistribution,
		},
		Sources: map[string]Source{},
	}
}
