package observe

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
)

// mysqlStatus and mysqlVariables are what one MySQL/MariaDB reading asks
// for: one SHOW GLOBAL STATUS and one SHOW GLOBAL VARIABLES, each filtered
// by name on the server.
var (
	mysqlStatus = []string{
		"Innodb_buffer_pool_read_requests", "Innodb_buffer_pool_reads",
		"Innodb_buffer_pool_pages_data", "Innodb_buffer_pool_pages_total", "Innodb_buffer_pool_pages_free",
		"Innodb_row_lock_current_waits",
		"Threads_connected", "Threads_running", "Max_used_connections",
		"Connections", "Aborted_connects", "Connection_errors_max_connections",
		"Uptime",
	}
	mysqlVariables = []string{"max_connections", "innodb_buffer_pool_size", "innodb_page_size"}
)

// showSQL is "SHOW GLOBAL <what> WHERE Variable_name IN ('a', 'b')"; the
// names are this file's constants, never input.
func showSQL(what string, names []string) string {
	return fmt.Sprintf("SHOW GLOBAL %s WHERE Variable_name IN ('%s')", what, strings.Join(names, "', '"))
}

// MySQLSource reads a MySQL or MariaDB server's global status: the InnoDB
// buffer pool as a cache (read requests vs reads from disk; pages in use
// vs the pool's size) and the server's threads as a pool against
// max_connections. One reading is two queries (SHOW GLOBAL STATUS and SHOW
// GLOBAL VARIABLES, filtered by name) on one connection of its own.
type MySQLSource struct {
	name, url string
	db        *sql.DB
	// gen counts the restarts seen (Uptime went down): the readings'
	// epoch. FLUSH STATUS resets none of the counters read here (it only
	// lowers Max_used_connections, a fact), so it is no new epoch.
	gen    int
	uptime uint64
}

// NewMySQL returns the source for the MySQL target name at rawURL; it
// connects at the first Snapshot.
func NewMySQL(name, rawURL string) (*MySQLSource, error) {
	cfg, err := target.MySQLConfig(rawURL)
	if err != nil {
		return nil, err
	}
	cfg.ConnectionAttributes = "program_name:" + inspect.OwnName + "-observe"
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("MySQL URL %s: %s", redact.URL(rawURL), redact.Text(err.Error()))
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return &MySQLSource{name: name, url: rawURL, db: db}, nil
}

// Name implements Source.
func (s *MySQLSource) Name() string { return report.SourceMySQL }

// Target implements Source.
func (s *MySQLSource) Target() (string, string, string) { return s.name, "mysql", redact.URL(s.url) }

// Close implements Source.
func (s *MySQLSource) Close() error { return s.db.Close() }

// Snapshot implements Source.
func (s *MySQLSource) Snapshot(ctx context.Context) (Reading, error) {
	var r Reading
	st := mysqlValues{}
	for _, q := range []string{showSQL("STATUS", mysqlStatus), showSQL("VARIABLES", mysqlVariables)} {
		r.Queries++
		n, err := st.read(ctx, s.db, q)
		r.Bytes += n
		if err != nil {
			return r, fmt.Errorf("read the status of %s: %s", redact.URL(s.url), redact.Text(err.Error()))
		}
	}
	epoch := s.epoch(st.uint("Uptime"))
	c, p := st.cache(), st.pool()
	c.Epoch, p.Epoch = epoch, epoch
	r.Caches, r.Pools = []Cache{c}, []Pool{p}
	return r, nil
}

// epoch is the readings' epoch given the server's Uptime now: a new one
// when Uptime went down (a restart: every counter starts again).
func (s *MySQLSource) epoch(uptime uint64) string {
	if uptime < s.uptime {
		s.gen++
	}
	s.uptime = uptime
	return strconv.Itoa(s.gen)
}

// mysqlValues are Variable_name → Value rows.
type mysqlValues map[string]string

func (v mysqlValues) read(ctx context.Context, db *sql.DB, query string) (int64, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return n, err
		}
		n += int64(len(name) + len(value))
		v[name] = value
	}
	return n, rows.Err()
}

func (v mysqlValues) uint(name string) uint64 {
	n, _ := strconv.ParseUint(v[name], 10, 64)
	return n
}

func (v mysqlValues) int(name string) int { return int(v.uint(name)) }

// cache is the InnoDB buffer pool: a read request served from the pool is
// a hit, one that read a page from disk (Innodb_buffer_pool_reads) a miss.
// Items are data pages. InnoDB counts no evictions per write, and a full
// buffer pool is its steady state, not a bound being hit: eviction rate
// and memory efficiency are not computable.
func (v mysqlValues) cache() Cache {
	requests, reads := v.uint("Innodb_buffer_pool_read_requests"), v.uint("Innodb_buffer_pool_reads")
	page := int64(v.uint("innodb_page_size"))
	size := int64(v.uint("innodb_buffer_pool_size"))
	if size == 0 { // no variable: the pool's pages
		size = int64(v.uint("Innodb_buffer_pool_pages_total")) * page
	}
	return Cache{
		Name:        "buffer_pool",
		Hits:        requests - min(reads, requests),
		Misses:      reads,
		Items:       int64(v.uint("Innodb_buffer_pool_pages_data")),
		MemoryBytes: int64(v.uint("Innodb_buffer_pool_pages_data")) * page,
		MaxBytes:    size,
		Missing:     []string{report.MetricEvictionRate, report.MetricMemoryEfficiency},
		Facts: map[string]string{
			FactFreePages:   v["Innodb_buffer_pool_pages_free"],
			FactSizeSetting: "innodb_buffer_pool_size",
			FactPasteSize:   "SET GLOBAL innodb_buffer_pool_size = %d*1024*1024  (and in my.cnf)",
		},
	}
}

// pool is the server's client threads, resync's own connection left out:
// Active are threads running a statement, Idle the other connected ones,
// Waiting the InnoDB row lock waits now. Attempts are connection attempts
// (Connections), errors the failed ones (Aborted_connects), refusals those
// at max_connections (Connection_errors_max_connections).
func (v mysqlValues) pool() Pool {
	connected := max(v.int("Threads_connected")-1, 0)
	running := min(max(v.int("Threads_running")-1, 0), connected)
	return Pool{
		Name:     "connections",
		Kind:     "mysql",
		Active:   running,
		Idle:     connected - running,
		Waiting:  v.int("Innodb_row_lock_current_waits"),
		MaxSize:  v.int("max_connections"),
		Attempts: v.uint("Connections"),
		Errors:   v.uint("Aborted_connects"),
		Rejected: v.uint("Connection_errors_max_connections"),
		// A MySQL connection is its client's: no acquire wait.
		Missing: []string{report.MetricAcquireWait},
		Facts: map[string]string{
			FactCeiling:    "true",
			FactMaxSetting: "max_connections",
			FactPasteMax:   "SET GLOBAL max_connections = %d  (and in my.cnf)",
			FactMaxUsed:    v["Max_used_connections"],
		},
	}
}
