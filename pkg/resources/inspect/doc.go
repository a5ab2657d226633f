// Package inspect looks at live servers for what a person hunting a
// connection leak needs: the server's own view of who holds connections,
// for how long, and whether they hold a transaction.
//
// Each inspector connects once (labelled "resync", so it can be told apart
// and is left out of its own report), reads the server's session list and
// returns a Result: potential leaks with their evidence, long-lived
// connections grouped by client, resync's own connections apart, the
// connection count against the server's limit, and findings such as a
// missing privilege, each with its fix.
//
// # Rules
//
// PostgreSQL (pg_stat_activity, client backends only):
//   - a session "idle in transaction" (or "idle in transaction (aborted)")
//     whose state changed longer than MaxLifetime ago is a critical leak:
//     it holds locks and snapshots and blocks vacuum;
//   - a backend older than MaxLifetime is long-lived, grouped by
//     application name, user and client address — not a leak: a healthy
//     pool keeps idle connections on purpose;
//   - capacity is client connections against max_connections minus
//     superuser_reserved_connections (and reserved_connections, 16+);
//   - sessions of other roles whose details are hidden ("<insufficient
//     privilege>") make a finding with the fix: GRANT pg_read_all_stats.
//
// MySQL/MariaDB (information_schema.PROCESSLIST joined with INNODB_TRX):
//   - a Sleep session holding an InnoDB transaction open longer than
//     MaxLifetime is a critical leak;
//   - MySQL does not expose a connection's age, so a connection is
//     long-lived when it has slept (been idle) longer than MaxLifetime;
//     grouped by user and client host;
//   - capacity is Threads_connected against max_connections;
//   - without the PROCESS privilege only one's own sessions are visible and
//     INNODB_TRX cannot be read: a finding with GRANT PROCESS ON *.* TO ….
//   - resync's own connections carry the connection attribute
//     program_name=resync, readable only with performance_schema on.
//
// Redis (CLIENT LIST):
//   - every connection has an age and an idle time; one older than
//     MaxLifetime is long-lived, grouped by client name and address;
//   - a client left inside MULTI and idle longer than MaxLifetime is a
//     warning leak (a transaction never executed or discarded);
//   - Redis has no transaction to hold otherwise, so idle connections are
//     not leaks: a group is raised to a warning only when WarnGroupSize
//     (default 50) or more of its connections have been idle longer than
//     MaxLifetime — a pool that large and that idle is oversized or leaking;
//     blocked (BLPOP …) and Pub/Sub clients are expected to sit and never
//     count as idle;
//   - capacity is connected_clients against maxclients.
//
// The same group warning applies to PostgreSQL and MySQL groups.
//
// Growth (Growing, DetectGrowth): across samples taken over a window, a
// client group whose connection count never decreases, ends higher than it
// started, and rose in at least half of the intervals is flagged as a
// warning leak: connections are being opened and not returned.
package inspect
