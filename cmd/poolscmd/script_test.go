package poolscmd_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
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
			if err := db.exec(fmt.Sprintf(tt.createSQL, table)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.exec("DROP TABLE " + table) })

			dir := t.TempDir()
			ins := filepath.Join(dir, "insert.sql")
			sel := filepath.Join(dir, "select.sql")
			write(t, ins, fmt.Sprintf("-- one row per run\n\\set v random(1000, 1999)\nINSERT INTO %s (kind, v) VALUES ('insert', :v);\n", table))
			write(t, sel, fmt.Sprintf("\\set id random_zipfian(1, 50, 1.2)\nBEGIN;\nSELECT count(*) FROM %[1]s WHERE v = :id;\nINSERT INTO %[1]s (kind, v)\n  VALUES ('select', :id);\nCOMMIT;\n", table))
			const requests = 800
			code, _, stderr := run(t, nil, "pools", "stats", "--db", url, "--script", ins+"@1", "--script", sel+"@3",
				"--requests", fmt.Sprint(requests), "--concurrency", concurrency(tt.name), "--warmup", "0s", "-o", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			counts := map[string]int{}
			err := db.each(fmt.Sprintf("SELECT kind, count(*), min(v), max(v) FROM %s GROUP BY kind", table), func(scan func(...any) error) error {
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
		})
	}
}

// testDB is the test's own client of a database (pgx for PostgreSQL,
// database/sql for the others), outside resync's pools.
type testDB struct {
	exec func(q string) error
	each func(q string, row func(scan func(...any) error) error) error
}

func openDB(t *testing.T, driver, dsn string) testDB {
	t.Helper()
	ctx := context.Background()
	if driver == "pgx" {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close(context.Background()) })
		return testDB{
			exec: func(q string) error { _, err := c.Exec(ctx, q); return err },
			each: func(q string, row func(func(...any) error) error) error {
				rows, err := c.Query(ctx, q)
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
			},
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return testDB{
		exec: func(q string) error { _, err := db.ExecContext(ctx, q); return err },
		each: func(q string, row func(func(...any) error) error) error {
			rows, err := db.QueryContext(ctx, q)
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
		},
	}
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
