// Package monitor is resync's performance service inside your own Go
// service: it watches the caches, connection pools and resources the
// service already uses and reports on them with the same scores,
// recommendations, health and leak detection as the resync CLI.
//
//	m := monitor.New(monitor.Options{})
//	defer m.Close()
//	m.RegisterSQLDB("database", db)      // *sql.DB
//	m.RegisterPgxPool("postgres", pool)  // *pgxpool.Pool
//	m.RegisterRedis("redis", rdb)        // go-redis v9
//	m.RegisterCache("users", usersCache) // a resync *cache.Cache
//	m.Cache("sessions").RecordAccess(hit, d)
//	http.Handle("/api/performance/", m.Handler())
//	http.Handle("/metrics", m.Handler())
//
// # Sampling
//
// Every Options.Interval (DefaultInterval, bounded by MinInterval and
// MaxInterval) a single goroutine reads every registered pool and cache,
// builds a report.Report and publishes it to the handler. Libraries expose
// cumulative counters and instantaneous gauges, so the monitor keeps the
// previous sample and works from deltas: the time-weighted utilization is
// Σ in-use × Δt ÷ (elapsed × max) over the samples, the peak is the largest
// sampled in-use ÷ max. database/sql, pgxpool and go-redis expose sums of
// wait time, not distributions: the monitor reports the mean wait of the
// last interval in every wait quantile and says so in the pool's
// "derived" list (report JSON connection_pools.*.metrics.derived). A
// resync pools.Pool is read through its own Snapshot, which has real
// quantiles.
//
// # Recommendations
//
// Recommendations are report.PoolRecommendations, with the setting named
// the way the pool's library names it: db.SetMaxOpenConns(48) for
// database/sql, pool_max_conns=48 for pgxpool, PoolSize: 48 for go-redis,
// DB_POOL_MAX_SIZE=48 for a resync pool.
//
// # HTTP
//
// Handler serves the /api/performance/* endpoints with the bodies of
// "resync serve" (it is a pkg/server.Server: same routes, bearer token,
// strict queries and leak-scan timeout) and /metrics in the Prometheus
// format with the same metric names. Options.Registerer registers the
// report's metrics on the service's own registry instead. Serve runs the
// handler with serve's http.Server timeouts.
//
// # Lifetime
//
// Close stops the sampler and waits for it; no goroutine of the monitor
// outlives Close. The cost on the service is measured in bench/README.md
// ("pkg/monitor").
package monitor
