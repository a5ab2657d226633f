package pools

import "time"

// The spec's pool settings (performance-guide.md, "Configuration"), per
// kind of target: DB_POOL_* for databases, REDIS_POOL_* and HTTP_POOL_*.
// Options has no zero-means-default (see Options); these are what
// resync's configuration starts from.
const (
	// DefaultDBMinSize connections a database pool keeps open.
	DefaultDBMinSize = 20
	// DefaultDBMaxSize bounds a database pool.
	DefaultDBMaxSize = 100
	// DefaultDBConnectTimeout bounds one database dial.
	DefaultDBConnectTimeout = 60 * time.Second
	// DefaultDBIdleTimeout closes database connections idle this long.
	DefaultDBIdleTimeout = 1200 * time.Second
	// DefaultDBMaxLifetime retires database connections this old.
	DefaultDBMaxLifetime = 1800 * time.Second
	// DefaultDBHealthCheckInterval is how often idle database connections are pinged.
	DefaultDBHealthCheckInterval = 60 * time.Second

	// DefaultRedisMinSize connections a Redis pool keeps open.
	DefaultRedisMinSize = 5
	// DefaultRedisMaxSize bounds a Redis pool.
	DefaultRedisMaxSize = 20
	// DefaultRedisConnectTimeout bounds one Redis dial.
	DefaultRedisConnectTimeout = 30 * time.Second
	// DefaultRedisIdleTimeout closes Redis connections idle this long.
	DefaultRedisIdleTimeout = 300 * time.Second
	// DefaultRedisMaxLifetime retires Redis connections this old.
	DefaultRedisMaxLifetime = 1800 * time.Second
	// DefaultRedisHealthCheckInterval is how often idle Redis connections are pinged.
	DefaultRedisHealthCheckInterval = 60 * time.Second

	// DefaultHTTPMinSize connections an HTTP pool keeps open.
	DefaultHTTPMinSize = 10
	// DefaultHTTPMaxSize bounds an HTTP pool.
	DefaultHTTPMaxSize = 100
	// DefaultHTTPConnectTimeout bounds one HTTP dial.
	DefaultHTTPConnectTimeout = 10 * time.Second
	// DefaultHTTPIdleTimeout closes HTTP connections idle this long.
	DefaultHTTPIdleTimeout = 300 * time.Second
	// DefaultHTTPMaxLifetime retires HTTP connections this old.
	DefaultHTTPMaxLifetime = 1800 * time.Second
	// DefaultHTTPHealthCheckInterval is how often idle HTTP connections are pinged.
	DefaultHTTPHealthCheckInterval = 60 * time.Second
)
