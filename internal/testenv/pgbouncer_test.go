package testenv_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resync-dev/resync/internal/testenv"
)

// TestStartPgbouncer: the private pgbouncer passes queries to the shared
// PostgreSQL, its console answers the stats user with the configured
// pool_size, and it is gone after the test.
func TestStartPgbouncer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var port int
	t.Run("running", func(t *testing.T) {
		pgb := testenv.StartPgbouncer(t, testenv.PgbouncerOptions{PoolSize: 3})
		port = pgb.Port
		conn, err := pgx.Connect(ctx, pgb.URL+"&default_query_exec_mode=simple_protocol")
		if err != nil {
			t.Fatalf("connect through pgbouncer: %v", err)
		}
		defer conn.Close(ctx)
		var one int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("SELECT 1 = %d, %v", one, err)
		}
		admin, err := pgconn.Connect(ctx, pgb.StatsURL)
		if err != nil {
			t.Fatalf("connect to the console: %v", err)
		}
		defer admin.Close(ctx)
		res, err := admin.Exec(ctx, "SHOW DATABASES").ReadAll()
		if err != nil {
			t.Fatalf("SHOW DATABASES: %v", err)
		}
		if got := databasePoolSize(res[0], testenv.PgbouncerDB); got != "3" {
			t.Errorf("pool_size of %s = %q, want 3\n%s", testenv.PgbouncerDB, got, pgb.Log(t))
		}
	})
	if port == 0 {
		return
	}
	if c, err := dialConsole(ctx, port); err == nil {
		c.Close(ctx)
		t.Errorf("pgbouncer still answers on port %d after the test", port)
	}
}

func databasePoolSize(r *pgconn.Result, db string) string {
	col := map[string]int{}
	for i, f := range r.FieldDescriptions {
		col[f.Name] = i
	}
	for _, row := range r.Rows {
		if string(row[col["name"]]) == db {
			return strings.TrimSpace(string(row[col["pool_size"]]))
		}
	}
	return ""
}

// dialConsole connects to a console on port, giving up after 2 s.
func dialConsole(ctx context.Context, port int) (*pgconn.PgConn, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return pgconn.Connect(ctx, "postgres://postgres@127.0.0.1:"+strconv.Itoa(port)+"/pgbouncer?sslmode=disable&connect_timeout=1")
}
