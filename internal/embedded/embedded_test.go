package embedded

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartServesAndCloseRemovesEverything(t *testing.T) {
	ctx := context.Background()
	tg, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}

	path := strings.TrimPrefix(tg.DatabaseURL, "sqlite://")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM kv").Scan(&n); err != nil || n != SeedRows {
		t.Fatalf("kv rows = %d, %v; want %d", n, err, SeedRows)
	}
	db.Close()

	opt, err := redis.ParseURL(tg.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	if v, err := rc.Get(ctx, "item:7").Result(); err != nil || v != "value-7" {
		t.Fatalf("GET item:7 = %q, %v", v, err)
	}
	rc.Close()

	resp, err := http.Get(tg.HTTPURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":42`) {
		t.Fatalf("GET %s = %d %s", tg.HTTPURL, resp.StatusCode, body)
	}
	http.DefaultClient.CloseIdleConnections()

	if err := tg.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("database file still exists after Close: %v", err)
	}
}
