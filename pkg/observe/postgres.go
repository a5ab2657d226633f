package observe

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// pgObserveSQL is a PostgreSQL reading: one statement over the statistics
// views and settings, no table read. pg_stat_database gives the target
// database's buffer cache and transaction counters; pg_stat_activity the
// client backends by state, resync's own left out (another role's session
// that the observing role may not see in detail has no backend_type: it
// counts when it has a database and a user, as client sessions do and
// background processes do not, parallel workers aside); current_setting the
// connection limit and shared_buffers. The session counters are PostgreSQL
// 14's (read through to_jsonb so older servers give -1 rather than an
// error).
const pgObserveSQL = `
SELECT d.blks_hit, d.blks_read, d.xact_commit, d.xact_rollback, d.deadlocks,
       d.temp_files, d.temp_bytes,
       coalesce((to_jsonb(d) ->> 'sessions')::bigint, -1),
       coalesce((to_jsonb(d) ->> 'sessions_fatal')::bigint, 0)
         + coalesce((to_jsonb(d) ->> 'sessions_killed')::bigint, 0),
       coalesce((to_jsonb(d) ->> 'sessions_abandoned')::bigint, 0),
       coalesce(extract(epoch FROM d.stats_reset)::text, ''),
       extract(epoch FROM pg_postmaster_start_time())::text,
       a.active, a.in_xact, a.lock_waits, a.hidden, a.total,
       current_setting('max_connections')::int,
       current_setting('superuser_reserved_connections')::int,
       coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int,
       pg_size_bytes(current_setting('shared_buffers'))
FROM pg_stat_database d,
     (SELECT count(*) FILTER (WHERE state IN ('active', 'fastpath function call')) AS active,
             count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS in_xact,
             count(*) FILTER (WHERE wait_event_type = 'Lock') AS lock_waits,
             count(*) FILTER (WHERE backend_type IS NULL) AS hidden,
             count(*) AS total
      FROM pg_stat_activity
      WHERE pid <> pg_backend_pid()
        AND (backend_type = 'client backend'
             OR (backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL))) a
WHERE d.datname = current_database()`

// Counter names of the PostgreSQL entries' evidence (Pool.Counters,
// Cache.Counters): deltas quoted by the rules, never part of a score.
const (
	CounterCommits   = "xact_commit"
	CounterRollbacks = "xact_rollback"
	CounterDeadlocks = "deadlocks"
	CounterAbandoned = "sessions_abandoned"
	CounterTempFiles = "temp_files"
	CounterTempBytes = "temp_bytes"
)

// PostgresSource reads a PostgreSQL server's statistics: the target
// database's buffer cache as a cache (blks_hit, blks_read; shared_buffers)
// and the server's client connections as a pool against max_connections −
// superuser_reserved_connections − reserved_connections. One reading is one
// query (pgObserveSQL) on one connection of its own, opened at the first
// reading and again after a failure.
type PostgresSource struct {
	name, url string
	cfg       *pgx.ConnConfig
	conn      *pgx.Conn
}

// NewPostgres returns the source for the PostgreSQL target name at rawURL;
// it connects at the first Snapshot.
func NewPostgres(name, rawURL string) (*PostgresSource, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL %s: %s", redact.URL(rawURL), redact.Text(err.Error()))
	}
	cfg.RuntimeParams["application_name"] = inspect.OwnName + "-observe"
	return &PostgresSource{name: name, url: rawURL, cfg: cfg}, nil
}

// Name implements Source.
func (s *PostgresSource) Name() string { return report.SourcePostgres }

// Target implements Source.
func (s *PostgresSource) Target() (string, string, string) {
	return s.name, "postgres", redact.URL(s.url)
}

// Close implements Source.
func (s *PostgresSource) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close(context.Background())
	s.conn = nil
	return err
}

// pgStats is one row of pgObserveSQL.
type pgStats struct {
	hit, read, commits, rollbacks, deadlocks, tempFiles, tempBytes int64
	sessions, sessionErrors, abandoned                             int64
	statsReset, started                                            string
	active, inXact, lockWaits, hidden, total                       int
	maxConns, suReserved, reserved                                 int
	sharedBuffers                                                  int64
}

// Snapshot implements Source.
func (s *PostgresSource) Snapshot(ctx context.Context) (Reading, error) {
	var r Reading
	if s.conn == nil || s.conn.IsClosed() {
		q, err := s.connect(ctx)
		r.Queries += q
		if err != nil {
			_ = s.Close()
			return r, fmt.Errorf("connect to %s: %s", redact.URL(s.url), redact.Text(err.Error()))
		}
	}
	r.Queries++
	st, n, err := s.query(ctx)
	r.Bytes = n
	if err != nil {
		_ = s.Close() // reconnect at the next reading
		return r, fmt.Errorf("read the statistics of %s: %s", redact.URL(s.url), redact.Text(err.Error()))
	}
	r.Caches = []Cache{st.cache()}
	r.Pools = []Pool{st.pool()}
	return r, nil
}

// connect opens the source's connection and warms it: the first run of
// pgObserveSQL reads a few hundred catalog blocks (plan and catalog caches
// of a new backend), which PostgreSQL would count in the database's
// blks_hit within the window. It is run once here and, on PostgreSQL 15+,
// pg_stat_force_next_flush() makes the backend publish those counts at
// once, so they fall before the first reading; a reading then costs the
// database a handful of block hits. It returns the queries sent.
func (s *PostgresSource) connect(ctx context.Context) (int, error) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg)
	if err != nil {
		return 0, err
	}
	s.conn = conn
	if _, _, err := s.query(ctx); err != nil {
		return 1, err
	}
	if pgMajor(s.conn.PgConn().ParameterStatus("server_version")) >= 15 {
		if _, err := s.conn.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
			return 2, err
		}
		return 2, nil
	}
	return 1, nil
}

// pgMajor is the major version of a server_version ("15.20 (Debian …)",
// "9.6.24"), 0 when unreadable.
func pgMajor(v string) int {
	end := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(v)
	}
	n, _ := strconv.Atoi(v[:end])
	return n
}

// query runs pgObserveSQL and returns its row and the bytes read back.
func (s *PostgresSource) query(ctx context.Context) (pgStats, int64, error) {
	var st pgStats
	rows, err := s.conn.Query(ctx, pgObserveSQL)
	if err != nil {
		return st, 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return st, 0, err
		}
		return st, 0, fmt.Errorf("pg_stat_database has no row for the current database")
	}
	var n int64
	for _, v := range rows.RawValues() {
		n += int64(len(v))
	}
	err = rows.Scan(&st.hit, &st.read, &st.commits, &st.rollbacks, &st.deadlocks, &st.tempFiles, &st.tempBytes,
		&st.sessions, &st.sessionErrors, &st.abandoned, &st.statsReset, &st.started,
		&st.active, &st.inXact, &st.lockWaits, &st.hidden, &st.total,
		&st.maxConns, &st.suReserved, &st.reserved, &st.sharedBuffers)
	if err != nil {
		return st, n, err
	}
	rows.Close()
	return st, n, rows.Err()
}

// epoch changes when the server restarts (pg_postmaster_start_time) or the
// database's statistics are reset (stats_reset, pg_stat_reset()). Both are
// read as Unix seconds, so a session's TimeZone or DateStyle cannot make a
// reconnect look like a reset.
func (st pgStats) epoch() string { return st.started + "|" + st.statsReset }

func u64(n int64) uint64 { return uint64(max(n, 0)) }

// cache is the buffer cache of the target database: shared_buffers is
// allocated whole at start, so its memory is the bound. Eviction rate and
// memory efficiency are not computable (PostgreSQL counts no buffer
// evictions per database, and a full shared_buffers is its steady state).
func (st pgStats) cache() Cache {
	return Cache{
		Name:        "buffer_cache",
		Hits:        u64(st.hit),
		Misses:      u64(st.read),
		MemoryBytes: st.sharedBuffers,
		MaxBytes:    st.sharedBuffers,
		Missing:     []string{report.MetricEvictionRate, report.MetricMemoryEfficiency},
		Facts: map[string]string{
			FactSizeSetting: "shared_buffers",
			FactPasteSize:   "ALTER SYSTEM SET shared_buffers = '%dMB'  (then restart the server)",
		},
		Counters: map[string]uint64{CounterTempFiles: u64(st.tempFiles), CounterTempBytes: u64(st.tempBytes)},
		Epoch:    st.epoch(),
	}
}

// pool is the server's client connections. Busy (Active) are sessions
// running a statement or holding a transaction open; Waiting are those
// waiting on a lock (wait_event_type Lock). A session waiting on the client
// (ClientRead) is the normal state of an idle connection, not a wait for
// the pool. Sessions of other roles whose state the observing role may not
// see (no pg_read_all_stats) count as idle and are reported (FactHidden).
// Attempts and errors are the database's sessions and those
// ended by a FATAL error or terminated (PostgreSQL 14+; before it the
// error rate is missing). Rollbacks and deadlocks are evidence only.
func (st pgStats) pool() Pool {
	busy := st.active + st.inXact
	p := Pool{
		Name:    "connections",
		Kind:    "postgres",
		Active:  busy,
		Idle:    max(st.total-busy, 0),
		Waiting: st.lockWaits,
		MaxSize: st.maxConns - st.suReserved - st.reserved,
		// PostgreSQL has no acquire wait: a connection is its client's.
		Missing: []string{report.MetricAcquireWait},
		Facts: map[string]string{
			FactCeiling:       "true",
			FactMaxSetting:    "max_connections",
			FactPasteMax:      "ALTER SYSTEM SET max_connections = %d  (then restart), or put pgbouncer in front",
			FactInTransaction: strconv.Itoa(st.inXact),
			FactHidden:        strconv.Itoa(st.hidden),
		},
		Counters: map[string]uint64{
			CounterCommits: u64(st.commits), CounterRollbacks: u64(st.rollbacks),
			CounterDeadlocks: u64(st.deadlocks), CounterAbandoned: u64(st.abandoned),
		},
		Epoch: st.epoch(),
	}
	if st.sessions < 0 {
		p.Missing = append(p.Missing, report.MetricErrorRate)
	} else {
		p.Attempts, p.Errors = u64(st.sessions), u64(st.sessionErrors)
	}
	return p
}
