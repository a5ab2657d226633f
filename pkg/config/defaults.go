package config

import (
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
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
	// DefaultObserveInterval is WORKLOAD.OBSERVE_INTERVAL.
	DefaultObserveInterval = 5 * time.Second
)

// The [CONNECTION_POOL] defaults are pkg/pools' documented DefaultDB…,
// DefaultRedis… and DefaultHTTP… constants.
var (
	defaultDBPool = PoolConfig{pools.DefaultDBMinSize, pools.DefaultDBMaxSize, pools.DefaultDBConnectTimeout,
		pools.DefaultDBIdleTimeout, pools.DefaultDBMaxLifetime, pools.DefaultDBHealthCheckInterval}
	defaultRedisPool = PoolConfig{pools.DefaultRedisMinSize, pools.DefaultRedisMaxSize, pools.DefaultRedisConnectTimeout,
		pools.DefaultRedisIdleTimeout, pools.DefaultRedisMaxLifetime, pools.DefaultRedisHealthCheckInterval}
	defaultHTTPPool = PoolConfig{pools.DefaultHTTPMinSize, pools.DefaultHTTPMaxSize, pools.DefaultHTTPConnectTimeout,
		pools.DefaultHTTPIdleTimeout, pools.DefaultHTTPMaxLifetime, pools.DefaultHTTPHealthCheckInterval}
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
			Duration:        DefaultWorkloadDuration,
			Concurrency:     DefaultWorkloadConcurrency,
			Keys:            DefaultWorkloadKeys,
			Distribution:    DefaultWorkloadDistribution,
			ObserveInterval: DefaultObserveInterval,
		},
		Sources: map[string]Source{},
	}
}
