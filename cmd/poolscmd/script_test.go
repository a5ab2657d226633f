package poolscmd_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/resync-dev/resync/internal/testenv"
)

// A two-script mix, INSERT@1 and a transaction SELECT+INSERT@3, on each
// SQL kind: the rows each script left prove the weights (a quarter and
// three quarters of --requests) and the bound variables (every v drawn in
// its \set range, never spliced: the SQL text holds no number).
func TestScriptMixWeights(t *testing.T) {
	table := fmt.Sprintf("resync_w19_mix_%d", time.Now().UnixNano())
	tests := []struct {
		name      string
		url       func(testing.TB) string
		driver    string
		dsn       func(url string) string
		createSQL string
	}{
		{"postgres", testenv.PostgresURL, "pgx", func(u string) string { return u }, "CREATE TABLE %s (kind TEXT, v BIGINT)"},
		{"mysql", testenv.MySQLURL, "mysql", mysqlDSN, "CREATE TABLE %s (kind VARCHAR(16), v BIGINT)"},
		{"sqlite", func(t testing.TB) string {
			return "sqlite://" + filepath.Join(t.TempDir(), "mix.db") + "?_pragma=busy_timeout(10000)"
		},
			"sqlite", func(u string) string { return strings.TrimPrefix(u, "sqlite://") }, "CREATE TABLE %s (kind TEXT, v INTEGER)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url(t)
			db := openDB(t, tt.driver, tt.dsn(url))
			if err := exec(db, fmt.Sprintf(tt.createSQL, table)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = exec(db, "DROP TABLE "+table) })

			dir := t.TempDir()
			ins := filepath.Join(dir, "insert.sql")
			sel := filepath.Join(dir, "select.sql")
			write(t, ins, fmt.Sprintf("-- one row per run\n\\set v random(1000, 1999)\nINSERT INTO %s (kind, v) VALUES ('insert', :v);\n", table))
			write(t, sel, fmt.Sprintf("\\set id random_zipfian(1, 50, 1.2)\nBEGIN;\nSELECT count(*) FROM %[1]s WHERE v = :id;\nINSERT INTO %[1]s (kind, v)\n  VALUES ('select', :id);\nCOMMIT;\n", table))
			const requests = 800
			code, stdout, stderr := run(t, nil, "pools", "stats", "--db", url, "--script", ins+"@1", "--script", sel+"@3",
				"--requests", fmt.Sprint(requests), "--concurrency", concurrency(tt.name), "--warmup", "0s", "-o", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			counts := map[string]int{}
			err := each(db, fmt.Sprintf("SELECT kind, count(*), min(v), max(v) FROM %s GROUP BY kind", table), func(scan func(...any) error) error {
				var kind string
				var n int
				var lo, hi int64
				if err := scan(&kind, &n, &lo, &hi); err != nil {
					return err
				}
				counts[kind] = n
				want := map[string][2]int64{"insert": {1000, 1999}, "select": {1, 50}}[kind]
				if lo < want[0] || hi > want[1] {
					t.Errorf("%s rows: v in [%d, %d], want within %v", kind, lo, hi, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			total := counts["insert"] + counts["select"]
			if total != requests {
				t.Fatalf("rows %v: %d in all, want one per request (%d)", counts, total, requests)
			}
			// Binomial(800, 1/4): sd ≈ 12.2 runs; allow 4 sd.
			if share := float64(counts["insert"]) / requests; math.Abs(share-0.25) > 4*math.Sqrt(0.25*0.75/requests) {
				t.Errorf("INSERT@1 ran %d of %d times (%.3f), want about a quarter", counts["insert"], requests, share)
			}
			checkScriptResults(t, stdout, []wantScript{
				{ins, 1, counts["insert"], []int{3}},
				{sel, 3, counts["select"], []int{2, 3, 4, 6}},
			})
		})
	}
}

// openDB is the test's own client of a database, outside resync's pools
// (database/sql with pgx's stdlib driver for PostgreSQL).
func openDB(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func exec(db *sql.DB, q string) error {
	_, err := db.Exec(q)
	return err
}

// each calls row with the Scan of every row q returns.
func each(db *sql.DB, q string, row func(scan func(...any) error) error) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// mysqlDSN turns mysql://user@host:port/db into the driver's DSN.
func mysqlDSN(u string) string {
	rest := strings.TrimPrefix(u, "mysql://")
	userHost, db, _ := strings.Cut(rest, "/")
	user, host, _ := strings.Cut(userHost, "@")
	return fmt.Sprintf("%s@tcp(%s)/%s", user, host, db)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Bad scripts are refused with file:line and exit 2 before any
// connection opens (the URL points at a port nothing listens on).
func TestScriptBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sql")
	write(t, good, "SELECT 1;\n")
	bad := func(name, content string) string {
		p := filepath.Join(dir, name)
		write(t, p, content)
		return p
	}
	db := "postgres://u:s3cret@127.0.0.1:1/db"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown meta", []string{"--script", bad("m.sql", "SELECT 1;\n\\shell ls\n")}, `m.sql:2: unknown meta-command \shell`},
		{"undefined variable", []string{"--script", bad("u.sql", "SELECT :aid;\n")}, "u.sql:1: variable :aid is not defined"},
		{"unbalanced quote", []string{"--script", bad("q.sql", "SELECT 'x;\n")}, "q.sql:1: unbalanced ' quote"},
		{"zero weight", []string{"--script", good + "@0"}, `weight "0" must be a whole number above 0`},
		{"missing file", []string{"--script", filepath.Join(dir, "none.sql")}, "none.sql: no such file or directory"},
		{"with --query", []string{"--script", good, "--query", "SELECT 2"}, "--query and --script both give the database operation"},
		{"redis target", []string{"--script", good, "--redis", "redis://127.0.0.1:1"}, "--script runs SQL, but redis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"pools", "stats", "--requests", "1"}, tt.args...)
			if tt.name != "redis target" {
				args = append(args, "--db", db)
			}
			code, stdout, stderr := run(t, nil, args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
			if strings.Contains(stdout+stderr, "s3cret") {
				t.Errorf("password in the output: %s%s", stdout, stderr)
			}
		})
	}
}

// concurrency: SQLite takes one writer at a time (busy errors would be
// lost rows, not weights), the servers four.
func concurrency(kind string) string {
	if kind == "sqlite" {
		return "1"
	}
	return "4"
}

// pools recommend --script sweeps with the user's script: every step's
// operations are runs of it (the rows it inserted, each v in its \set
// range), and the sweep still ends in a recommendation.
func TestRecommendScript(t *testing.T) {
	url := testenv.PostgresURL(t)
	table := fmt.Sprintf("resync_w19_rec_%d", time.Now().UnixNano())
	db := openDB(t, "pgx", url)
	if err := exec(db, "CREATE TABLE "+table+" (v BIGINT)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec(db, "DROP TABLE "+table) })
	ins := filepath.Join(t.TempDir(), "insert.sql")
	write(t, ins, fmt.Sprintf("\\set v random(500, 599)\nBEGIN;\nINSERT INTO %s (v) VALUES (:v);\nCOMMIT;\n", table))

	env := map[string]string{"DB_POOL_MAX_SIZE": "4", "DB_POOL_MIN_SIZE": "1"}
	code, stdout, stderr := run(t, env, "pools", "recommend", "--db", url, "--script", ins, "--step-duration", "300ms", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out recommendJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	p := out.Pools["database"]
	if len(p.Steps) < 2 || p.Recommendation == nil || p.Settings["DB_POOL_MAX_SIZE"] < 1 {
		t.Fatalf("steps %v recommendation %v settings %v\n%s", p.Steps, p.Recommendation, p.Settings, stdout)
	}
	var rows int
	var lo, hi int64
	err := each(db, "SELECT count(*), coalesce(min(v), 0), coalesce(max(v), 0) FROM "+table, func(scan func(...any) error) error {
		return scan(&rows, &lo, &hi)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each step ran for 300 ms at its measured throughput: the rows are
	// the sweep's operations, so at least a fraction of their sum.
	var ops float64
	for _, s := range p.Steps {
		ops += s.Throughput * 0.3
	}
	if rows == 0 || float64(rows) < ops/2 || lo < 500 || hi > 599 {
		t.Errorf("%d rows (v in [%d, %d]) after a sweep of about %.0f operations; want about one row per operation, v in [500, 599]", rows, lo, hi, ops)
	}
}

type wantScript struct {
	name   string
	weight int
	runs   int   // the rows the script left: one per run
	lines  []int // where its statements start
}

// checkScriptResults: the per-script runs in the JSON are the runs the
// rows prove, and every statement ran once per run (nothing failed, no
// warm-up) with a latency.
func checkScriptResults(t *testing.T, stdout string, want []wantScript) {
	t.Helper()
	var out struct {
		Workload map[string]struct {
			Scripts []struct {
				Name         string
				Weight       int
				Runs, Failed int
				Statements   []struct {
					Line   int
					SQL    string
					Count  int
					MeanMs float64 `json:"mean_ms"`
					P99Ms  float64 `json:"p99_ms"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	got := out.Workload["database"].Scripts
	if len(got) != len(want) {
		t.Fatalf("%d scripts in the result, want %d\n%s", len(got), len(want), stdout)
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.name || g.Weight != w.weight || g.Runs != w.runs || g.Failed != 0 || len(g.Statements) != len(w.lines) {
			t.Errorf("script %d: %s@%d, %d runs (%d failed), %d statements; want %s@%d, %d runs, %d statements",
				i, g.Name, g.Weight, g.Runs, g.Failed, len(g.Statements), w.name, w.weight, w.runs, len(w.lines))
			continue
		}
		for j, st := range g.Statements {
			if st.Line != w.lines[j] || st.Count != w.runs || st.SQL == "" || st.MeanMs <= 0 || st.P99Ms < st.MeanMs/2 {
				t.Errorf("%s statement %d: %+v; want line %d, %d executions, a latency", w.name, j, st, w.lines[j], w.runs)
			}
		}
	}
}
