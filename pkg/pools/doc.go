// Package pools is resync's own connection pool: one generic, instrumented
// pool (Pool) over a Connector, real-driver connectors for PostgreSQL,
// MySQL/MariaDB, SQLite, Redis and HTTP(S), and a type-erased Runner per
// target (Open). internal/diag opens one per target for the commands.
//
// Every target kind gets the same settings (min/max size, connect, idle and
// lifetime timeouts, health checks) and the same metrics (Snapshot), so the
// report can diagnose them the same way.
//
// # Timeouts
//
// ConnectTimeout bounds both a single dial and a whole Acquire: an Acquire
// returns an error wrapping context.DeadlineExceeded when no connection could
// be handed out within ConnectTimeout (or before the caller's own deadline,
// whichever comes first). OperationTimeout bounds one Runner.Do operation.
// Health-check pings and connector Close calls are bounded by ConnectTimeout.
//
// # Identification
//
// Every connection identifies itself to the server, so server-side
// inspection (pg_stat_activity, CLIENT LIST, the process list) can tell
// resync's connections apart:
//   - PostgreSQL: application_name=resync, always: a URL's own
//     application_name is overridden, because leak inspection looks for it;
//   - MySQL/MariaDB: the connection attribute program_name=resync (visible in
//     performance_schema.session_connect_attrs when performance_schema is
//     on) and a "/* resync */" comment in front of every query (visible in
//     the process list while it runs);
//   - Redis: CLIENT SETNAME resync;
//   - HTTP: User-Agent resync/<version>.
//
// # Metrics
//
// Counters and gauges live under the pool's mutex, and the HdrHistograms
// (1 µs to 1 h, two significant digits) are recorded under it too, on the
// release path where the lock is taken anyway; a Snapshot copies them under
// the same lock, so it is consistent. The only clock read of an uncontended
// checkout is the one at release that idle and lifetime handling need: an
// acquire served from the idle stack is booked with a zero wait (it only
// waited for the mutex), and its hold is timed by an extra read at acquire
// only while the pool runs below 100,000 checkouts a second. Above that, a
// weighted sample of checkouts is timed (see sampler in metrics.go), so
// counts, means and utilization stay unbiased estimates; below, every figure
// is exact. Utilization is the (weighted) sum of hold times, finished and in
// progress, over uptime × MaxSize. See bench/README.md for what this costs.
//
// # Drivers
//
// The Redis connector speaks RESP2 (go-redis with RESP3 peeks the socket for
// push notifications around every command). The HTTP connector does not use
// http.Transport: each slot owns one connection and writes requests and
// reads responses on it with net/http's Request.Write and ReadResponse,
// HTTP/1.1, one at a time; reuse and new connections are counted per slot.
package pools
