package config

import "github.com/resync-dev/resync/pkg/pools"

// Options are the pool options of these settings (DB_POOL_*, REDIS_POOL_*
// or HTTP_POOL_*); the caller adds the tracker, logger and TLS settings.
func (c PoolConfig) Options() pools.Options {
	return pools.Options{
		MinSize:             c.MinSize,
		MaxSize:             c.MaxSize,
		ConnectTimeout:      c.ConnectTimeout,
		IdleTimeout:         c.IdleTimeout,
		MaxLifetime:         c.MaxLifetime,
		HealthCheckInterval: c.HealthCheckInterval,
	}
}
