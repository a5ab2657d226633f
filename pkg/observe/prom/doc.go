// Package prom reads an application's own connection pools and caches from
// its Prometheus endpoint: it scrapes the exposition (text or delimited
// protobuf, as prometheus/common's expfmt negotiates), keeps the families of
// the exporters it knows, and turns two scrapes into per-pool and per-cache
// deltas.
//
// Known exporters and the families they write (each recorded in testdata/):
//
//	hikaricp   HikariCP through Micrometer: hikaricp_connections{,_active,_idle,
//	           _pending,_max,_min}, hikaricp_connections_timeout_total,
//	           hikaricp_connections_{acquire,usage,creation}_seconds; label pool.
//	sql        Go database/sql through client_golang's
//	           collectors.NewDBStatsCollector: go_sql_*; label db_name.
//	pgxpool    github.com/IBM/pgxpoolprometheus: pgxpool_*; its constant labels.
//	go-redis   github.com/redis/go-redis/extra/redisprometheus:
//	           {namespace_subsystem_}pool_{hit,miss,timeout}_total,
//	           pool_conn_{total,idle}_current, pool_conn_stale_total.
//	micrometer Micrometer cache binders (Caffeine, JCache, …): cache_gets_total
//	           {result=hit|miss}, cache_puts_total, cache_evictions_total,
//	           cache_size; label cache.
//	resync     resync serve's own /metrics: resync_pool_* (errors summed over
//	           kind), resync_cache_*.
//
// Any other family is ignored and listed in Snapshot.Ignored. The package
// knows nothing of the CLI and prints nothing.
package prom
