package observe

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
)

// PgbouncerClients is the name of the pool entry that stands for
// pgbouncer's client limit (max_client_conn); the (database, user) pools
// are "database/user", as pgbouncer's log names them.
const PgbouncerClients = "clients"

// pgbouncerConsoleDB is the admin console's own pool in SHOW POOLS; it is
// no pool of the user's.
const pgbouncerConsoleDB = "pgbouncer"

// PgbouncerSource reads a pgbouncer admin console, which speaks only the
// simple query protocol (pgconn's Exec, no prepared statements). One
// reading is SHOW POOLS and SHOW STATS; the first (and any reading that
// meets a database it does not know) adds SHOW CONFIG and SHOW DATABASES
// for max_client_conn, default_pool_size and each database's pool_size.
//
// Each (database, user) pool becomes a pool: sv_active active, sv_idle +
// sv_used idle, cl_waiting waiting, maxwait the wait gauge, pool_size the
// max and sv_active/pool_size the utilization; the database's
// total_xact_count and total_wait_time (SHOW STATS has no per-user rows,
// so the pools of one database share them) give the attempts and the mean
// wait. pool_size is a ceiling (servers are opened on demand, so a quiet
// pool wastes nothing): only high utilization lowers the score.
// pgbouncer counts no per-pool errors: error_rate is missing. The
// client limit is one more pool, "clients": Σ(cl_active + cl_waiting)
// against max_client_conn.
type PgbouncerSource struct {
	name, url string
	cfg       *pgconn.Config
	conn      *pgconn.PgConn
	settings  *pgbSettings
}

// pgbSettings are what SHOW CONFIG and SHOW DATABASES said.
type pgbSettings struct {
	maxClientConn, defaultPoolSize int
	dbs                            map[string]pgbDatabase
}

// pgbDatabase is a [databases] entry: its effective pool_size and where it
// points, for a line to paste.
type pgbDatabase struct {
	poolSize           int
	host, port, dbname string
}

// NewPgbouncer returns the source for the pgbouncer console target name at
// rawURL (postgres://USER@HOST:6432/pgbouncer). It connects at the first
// reading, and again after a failed one.
func NewPgbouncer(name, rawURL string) (*PgbouncerSource, error) {
	cfg, err := pgconn.ParseConfig(rawURL)
	if err != nil {
		return nil, redactErr(err)
	}
	return &PgbouncerSource{name: name, url: rawURL, cfg: cfg}, nil
}

// Name implements Source.
func (s *PgbouncerSource) Name() string { return report.SourcePgbouncer }

// Target implements Source.
func (s *PgbouncerSource) Target() (string, string, string) {
	return s.name, "pgbouncer", redact.URL(s.url)
}

// Close implements Source.
func (s *PgbouncerSource) Close() error {
	if s.conn == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	err := s.conn.Close(ctx)
	s.conn = nil
	return err
}

// Snapshot implements Source.
func (s *PgbouncerSource) Snapshot(ctx context.Context) (Reading, error) {
	r, err := s.snapshot(ctx)
	if err != nil {
		_ = s.Close() // a broken connection is not reused
		return r, &redactedErr{msg: redact.Text(err.Error()) + pgbouncerHint(err)}
	}
	return r, nil
}

// pgbouncerHint says what to do about the console's refusals.
func pgbouncerHint(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return ""
	}
	switch {
	case pe.Message == "not allowed":
		return ": the console admits only the users in pgbouncer.ini's stats_users or admin_users; add the URL's user to stats_users (SHOW is all resync runs)"
	case strings.Contains(pe.Message, "authentication failed"):
		return ": the URL's user and password must be in pgbouncer's auth_file (or auth_query) like any client's"
	}
	return ""
}

func (s *PgbouncerSource) snapshot(ctx context.Context) (Reading, error) {
	var r Reading
	if s.conn == nil {
		conn, err := pgconn.ConnectConfig(ctx, s.cfg)
		if err != nil {
			return r, err
		}
		s.conn = conn
	}
	show := func(what string) ([]pgbRow, error) {
		r.Queries++
		rows, n, err := showRows(ctx, s.conn, what)
		r.Bytes += n
		return rows, err
	}
	pools, err := show("POOLS")
	if err != nil {
		return r, err
	}
	stats, err := show("STATS")
	if err != nil {
		return r, err
	}
	if s.settings == nil || !s.settings.knows(pools) {
		cfg, err := show("CONFIG")
		if err != nil {
			return r, err
		}
		dbs, err := show("DATABASES")
		if err != nil {
			return r, err
		}
		s.settings = parseSettings(cfg, dbs)
	}
	r.Pools = pgbouncerPools(s.settings, pools, stats)
	return r, nil
}

// pgbRow is one row of a SHOW command, by column name: pgbouncer adds
// columns between versions, so nothing is read by position.
type pgbRow map[string]string

func (r pgbRow) int(col string) int {
	n, _ := strconv.Atoi(r[col])
	return n
}

func (r pgbRow) uint(col string) uint64 {
	n, _ := strconv.ParseUint(r[col], 10, 64)
	return n
}

// showRows runs SHOW what and returns its rows and the bytes they took.
func showRows(ctx context.Context, conn *pgconn.PgConn, what string) ([]pgbRow, int64, error) {
	res, err := conn.Exec(ctx, "SHOW "+what).ReadAll()
	if err != nil {
		return nil, 0, fmt.Errorf("SHOW %s: %w", what, err)
	}
	var rows []pgbRow
	var n int64
	for _, rs := range res {
		for _, vals := range rs.Rows {
			row := pgbRow{}
			for i, f := range rs.FieldDescriptions {
				if i < len(vals) {
					row[f.Name] = string(vals[i])
					n += int64(len(vals[i]))
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, n, nil
}

func parseSettings(cfg, dbs []pgbRow) *pgbSettings {
	st := &pgbSettings{dbs: map[string]pgbDatabase{}}
	for _, row := range cfg {
		switch row["key"] {
		case "max_client_conn":
			st.maxClientConn = row.int("value")
		case "default_pool_size":
			st.defaultPoolSize = row.int("value")
		}
	}
	for _, row := range dbs {
		st.dbs[row["name"]] = pgbDatabase{
			poolSize: row.int("pool_size"),
			host:     row["host"], port: row["port"], dbname: row["database"],
		}
	}
	return st
}

// knows says whether every pool's database was in SHOW DATABASES (a new
// [databases] entry after a RELOAD, or an automatic "*" database, is not).
func (st *pgbSettings) knows(pools []pgbRow) bool {
	for _, p := range pools {
		if _, ok := st.dbs[p["database"]]; !ok {
			return false
		}
	}
	return true
}

// poolSize is a database's effective pool_size: its own, else
// default_pool_size.
func (st *pgbSettings) poolSize(db string) int {
	if d, ok := st.dbs[db]; ok && d.poolSize > 0 {
		return d.poolSize
	}
	return st.defaultPoolSize
}

// pasteMax is the pgbouncer.ini line that sets the pool's size: the
// database's own pool_size when it has one that differs from
// default_pool_size, else default_pool_size.
func (st *pgbSettings) pasteMax(db string) (setting, format string) {
	d, ok := st.dbs[db]
	if !ok || d.poolSize == st.defaultPoolSize || d.host == "" {
		return "default_pool_size", "default_pool_size = %d  (pgbouncer.ini [pgbouncer]; then RELOAD on the console)"
	}
	line := db + " = host=" + d.host
	if d.port != "" {
		line += " port=" + d.port
	}
	if d.dbname != "" {
		line += " dbname=" + d.dbname
	}
	return "pool_size of " + db, line + " pool_size=%d  (pgbouncer.ini [databases], keep its other options; then RELOAD)"
}

// pgbouncerPools turns SHOW POOLS and SHOW STATS into pools: one per
// (database, user), then the client limit.
func pgbouncerPools(st *pgbSettings, pools, stats []pgbRow) []Pool {
	byDB := map[string]pgbRow{}
	for _, row := range stats {
		byDB[row["database"]] = row
	}
	var out []Pool
	clients := 0
	for _, row := range pools {
		clients += row.int("cl_active") + row.int("cl_waiting")
		db := row["database"]
		if db == pgbouncerConsoleDB {
			continue
		}
		setting, paste := st.pasteMax(db)
		stat := byDB[db]
		out = append(out, Pool{
			Name:        db + "/" + row["user"],
			Kind:        "pgbouncer",
			Active:      row.int("sv_active"),
			Idle:        row.int("sv_idle") + row.int("sv_used"),
			Waiting:     row.int("cl_waiting"),
			MaxSize:     st.poolSize(db),
			WaitMs:      float64(row.int("maxwait"))*1000 + float64(row.int("maxwait_us"))/1000,
			Attempts:    stat.uint("total_xact_count"),
			WaitTotalUs: stat.uint("total_wait_time"),
			Ops:         stat.uint("total_query_count"),
			Derived:     pgbouncerDerived,
			ActiveOnly:  true,
			Missing:     []string{report.MetricErrorRate},
			Facts: map[string]string{
				// pgbouncer opens server connections on demand, up to
				// pool_size: an idle pool holds nothing, so only the
				// high side of utilization counts, as for a server limit.
				FactCeiling:    "true",
				FactMaxSetting: setting,
				FactPasteMax:   paste,
				FactPoolMode:   row["pool_mode"],
			},
		})
	}
	out = append(out, Pool{
		Name:    PgbouncerClients,
		Kind:    "pgbouncer",
		Active:  clients,
		MaxSize: st.maxClientConn,
		// A client at the limit is refused, not queued: no wait, and
		// pgbouncer does not count the refusals.
		Missing: []string{report.MetricAcquireWait, report.MetricErrorRate},
		Facts: map[string]string{
			FactCeiling:    "true",
			FactMaxSetting: "max_client_conn",
			FactPasteMax:   "max_client_conn = %d  (pgbouncer.ini [pgbouncer]; then RELOAD; the open-files limit, ulimit -n, must be above it)",
		},
	})
	return out
}

// pgbouncerDerived says how a pgbouncer pool's figures are made
// (report.PoolMetrics.Derived).
var pgbouncerDerived = []string{
	"acquire_wait_ms: mean = Δtotal_wait_time / Δtotal_xact_count over the window (SHOW STATS, per database); p95, p99 and max = the largest maxwait seen at a reading (a lower bound: waits between readings are not seen), or the mean when larger; p50 unknown (0)",
	"utilization and peak_utilization: sv_active / pool_size sampled at each reading",
	"acquire_count, operations and throughput_per_s: Δtotal_xact_count and Δtotal_query_count of the pool's database (SHOW STATS has no per-user rows)",
}

// FactPoolMode is a pgbouncer pool's pool_mode (session, transaction,
// statement).
const FactPoolMode = "pool_mode"
