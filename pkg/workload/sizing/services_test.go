package sizing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/target"
)

func TestServerLimits(t *testing.T) {
	tests := []struct {
		kind   target.Kind
		url    func(testing.TB) string
		source string
	}{
		{target.Postgres, testenv.PostgresURL, "max_connections"},
		{target.MySQL, testenv.MySQLURL, "@@max_connections"},
		{target.Redis, testenv.RedisURL, "maxclients"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			l, err := ServerLimit(context.Background(), target.Target{Name: "database", Kind: tt.kind, URL: tt.url(t)}, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if l == nil || l.Max < 1 || !strings.Contains(l.Source, tt.source) {
				t.Errorf("limit %+v", l)
			}
			t.Logf("%s: %d (%s)", tt.kind, l.Max, l.Source)
		})
	}
	if l, err := ServerLimit(context.Background(), target.Target{Name: "http", Kind: target.HTTP, URL: "http://127.0.0.1:1/"}, time.Second); l != nil || err != nil {
		t.Errorf("http has no limit, got %+v %v", l, err)
	}
}

func TestServerLimitErrorIsRedacted(t *testing.T) {
	_, err := ServerLimit(context.Background(), target.Target{Name: "database", Kind: target.Postgres, URL: "postgres://app:s3cret@127.0.0.1:1/db?sslmode=disable"}, 2*time.Second)
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error %q leaks the password or does not name the target", err)
	}
}

// PostgreSQL has no per-query concurrency limit of its own: pg_sleep(0.01)
// scales linearly with connections, so the sweep keeps rising and the
// recommended max is the top of the sweep (the "known limit" test with a
// hard limit is the HTTP semaphore server above).
func TestRecommendPostgresSleep(t *testing.T) {
	url := testenv.PostgresURL(t)
	res := recommend(t, quick(Options{Name: "database", Kind: "postgres",
		Open: urlOpener(url, pools.Operation{Query: "SELECT pg_sleep(0.01)"}), MaxSize: 8}))
	rec := res.Recommendation
	if rec == nil {
		t.Fatalf("no recommendation; steps %+v", res.Steps)
	}
	if rec.Max < 7 {
		t.Errorf("max %d, want the top of a linearly scaling sweep (8, or 7 within noise)", rec.Max)
	}
	for _, s := range res.Steps {
		// Every operation holds its connection for at least the 10 ms sleep.
		if s.HoldMeanMs < 10 {
			t.Errorf("size %d: mean hold %.2f ms < the 10 ms pg_sleep", s.Size, s.HoldMeanMs)
		}
	}
}
