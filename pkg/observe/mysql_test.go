package observe

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/target"
)

func mysqlOpen(t *testing.T, url string) *sql.DB {
	t.Helper()
	cfg, err := target.MySQLConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mysqlSnapshot(t *testing.T, s *MySQLSource) (Cache, Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Caches) != 1 || len(r.Pools) != 1 || r.Queries != 2 || r.Bytes <= 0 {
		t.Fatalf("reading %+v: want one cache, one pool, two queries and bytes", r)
	}
	return r.Caches[0], r.Pools[0]
}

// TestMySQLSourceTraffic reads the shared MariaDB (read-only but for an
// InnoDB table of the test's own with a unique name, dropped at the end):
// reads through the buffer pool must move its read requests, and held
// connections must be counted, resync's own left out.
func TestMySQLSourceTraffic(t *testing.T) {
	url := testenv.MySQLURL(t)
	s, err := NewMySQL("database", url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c1, p1 := mysqlSnapshot(t, s)
	if p1.MaxSize <= 0 || c1.MaxBytes <= 0 || c1.Items <= 0 || c1.MemoryBytes <= 0 {
		t.Fatalf("max_connections %d, buffer pool %d bytes, %d pages, %d bytes used: want all > 0",
			p1.MaxSize, c1.MaxBytes, c1.Items, c1.MemoryBytes)
	}

	db := mysqlOpen(t, url)
	ctx := context.Background()
	table := fmt.Sprintf("resync_observe_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" (id int PRIMARY KEY, v varchar(200)) ENGINE=InnoDB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table) })
	if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" SELECT seq, repeat('x', 200) FROM seq_1_to_2000"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE v LIKE 'x%'").Scan(&n); err != nil || n != 2000 {
			t.Fatalf("scan: %d rows, %v", n, err)
		}
	}
	const held = 3
	var conns []*sql.Conn
	for range held {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	c2, p2 := mysqlSnapshot(t, s)
	for _, c := range conns {
		_ = c.Close()
	}
	if gets := (c2.Hits + c2.Misses) - (c1.Hits + c1.Misses); gets < 5*10 { // 5 scans of ≥ 10 pages of 16 KiB
		t.Errorf("buffer pool read requests grew by %d (hits %d→%d, reads %d→%d), want ≥ 50", gets, c1.Hits, c2.Hits, c1.Misses, c2.Misses)
	}
	if got := p2.Active + p2.Idle; got < held {
		t.Errorf("connections %d, want ≥ %d held by the test", got, held)
	}
	if p2.Attempts <= p1.Attempts {
		t.Errorf("connection attempts %d → %d: the test's connections are not counted", p1.Attempts, p2.Attempts)
	}
	if c2.Epoch != c1.Epoch {
		t.Errorf("epoch %q → %q without a restart", c1.Epoch, c2.Epoch)
	}
}

// TestMySQLRestart: an Uptime that went down is a restart, a new epoch.
func TestMySQLRestart(t *testing.T) {
	s := &MySQLSource{}
	for _, tt := range []struct {
		uptime uint64
		epoch  string
	}{{1000, "0"}, {1001, "0"}, {1001, "0"}, {5, "1"}, {6, "1"}, {2, "2"}} {
		if got := s.epoch(tt.uptime); got != tt.epoch {
			t.Errorf("uptime %d: epoch %q, want %q", tt.uptime, got, tt.epoch)
		}
	}
}

// TestMySQLRules: a low buffer pool hit rate pastes SET GLOBAL
// innodb_buffer_pool_size, refusals at max_connections a SET GLOBAL
// max_connections line.
func TestMySQLRules(t *testing.T) {
	v := mysqlValues{
		"Innodb_buffer_pool_read_requests": "1000", "Innodb_buffer_pool_reads": "600",
		"Innodb_buffer_pool_pages_data": "100", "innodb_page_size": "16384", "innodb_buffer_pool_size": "134217728",
		"Threads_connected": "151", "Threads_running": "3", "max_connections": "151",
		"Connections": "500", "Aborted_connects": "2", "Connection_errors_max_connections": "7",
		"Max_used_connections": "151",
	}
	c, p := v.cache(), v.pool()
	if c.Hits != 400 || c.Misses != 600 || c.MemoryBytes != 100*16384 {
		t.Fatalf("cache hits %d misses %d memory %d, want 400 600 %d", c.Hits, c.Misses, c.MemoryBytes, 100*16384)
	}
	if p.Active != 2 || p.Idle != 148 {
		t.Fatalf("active %d idle %d, want 2 and 148 (own connection and thread left out)", p.Active, p.Idle)
	}
	w := SourceWindow{Source: report.SourceMySQL, TargetName: "database", Readings: 2,
		Caches: []CacheWindow{{Last: c, Hits: c.Hits, Misses: c.Misses}},
		Pools: []PoolWindow{{Last: p, Attempts: 100, Errors: 2, Rejected: 7,
			PeakUtilization: 150.0 / 151, MeanUtilization: 150.0 / 151, PeakInUse: 150}}}
	var in report.Input
	(&Result{Sources: []SourceWindow{w}}).Fill(&in)
	r := report.Build(in)
	got := map[string]string{}
	for _, rec := range append(r.Caches["database/buffer_pool"].Recommendations, r.Pools["database/connections"].Recommendations...) {
		got[rec.ID] = rec.Suggestion
		if rec.ID == "pool.raise_max" && rec.Evidence["max_used_connections"] != 151 {
			t.Errorf("raise_max evidence %v, want max_used_connections 151", rec.Evidence)
		}
	}
	for id, want := range map[string]string{
		"cache.low_hit_rate": "SET GLOBAL innodb_buffer_pool_size = 256*1024*1024  (and in my.cnf)",
		"pool.exhausted":     "SET GLOBAL max_connections = 226  (and in my.cnf)",
		"pool.raise_max":     "SET GLOBAL max_connections = 226  (and in my.cnf)",
	} {
		if got[id] != want {
			t.Errorf("%s suggests %q, want %q (all: %v)", id, got[id], want, got)
		}
	}
	if e := r.Pools["database/connections"]; e.Source != report.SourceMySQL || e.Metrics.Exhaustions != 7 {
		t.Errorf("pool source %q exhaustions %d, want mysql and 7", e.Source, e.Metrics.Exhaustions)
	}

	// A buffer pool with free pages is warming up: no resize is suggested.
	v["Innodb_buffer_pool_pages_free"] = "7000"
	c = v.cache()
	recs := cacheRules(report.SourceMySQL, "database/buffer_pool", CacheWindow{Last: c, Hits: c.Hits, Misses: c.Misses},
		cache.Stats{HitRate: 0.4, Bytes: c.MemoryBytes, MaxBytes: c.MaxBytes}, c.Missing)
	if len(recs) != 1 || !strings.HasPrefix(recs[0].Suggestion, "none yet: 7000 pages") {
		t.Errorf("warming buffer pool: %+v, want one low-hit-rate advice saying it is warming up", recs)
	}
}
