package testenv_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
)

// TestServices proves the integration plumbing: each service named by its
// RESYNC_TEST_* variable answers a trivial query.
func TestServices(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("postgres", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, testenv.PostgresURL(t))
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer conn.Close(ctx)
		var one int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("SELECT 1 = %d, %v", one, err)
		}
	})
	t.Run("mysql", func(t *testing.T) {
		u, err := url.Parse(testenv.MySQLURL(t))
		if err != nil {
			t.Fatal(err)
		}
		pass, _ := u.User.Password()
		dsn := u.User.Username() + ":" + pass + "@tcp(" + u.Host + ")" + u.Path
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v string
		if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
			t.Fatalf("SELECT VERSION(): %v", err)
		}
		t.Logf("mysql %s", v)
	})
	t.Run("redis", func(t *testing.T) {
		opt, err := redis.ParseURL(testenv.RedisURL(t))
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(opt)
		defer c.Close()
		if got, err := c.Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Fatalf("PING = %q, %v", got, err)
		}
	})
}
