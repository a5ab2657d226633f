package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// TestService starts the example in-process on SQLite + miniredis and on the
// test PostgreSQL + Redis, drives traffic and checks the monitor's endpoints.
func TestService(t *testing.T) {
	cases := []struct {
		name, dbEnv, redisEnv, kind string
	}{
		{"sqlite+miniredis", "", "", "sqlite"},
		{"postgres+redis", testenv.PostgresVar, testenv.RedisVar, "postgres"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cfg config
			cfg.Interval = 100 * time.Millisecond
			if tc.dbEnv != "" {
				cfg.DB, cfg.Redis = os.Getenv(tc.dbEnv), os.Getenv(tc.redisEnv)
				if cfg.DB == "" || cfg.Redis == "" {
					if testenv.Required() {
						t.Fatalf("%s and %s must be set", tc.dbEnv, tc.redisEnv)
					}
					t.Skipf("%s or %s not set", tc.dbEnv, tc.redisEnv)
				}
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- run(ctx, cfg, ln) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("run: %v", err)
				}
			}()
			base := "http://" + ln.Addr().String()
			for round := range 3 {
				for id := 1; id <= 10; id++ {
					code, body := get(t, base+"/users/"+itoa(id))
					if code != http.StatusOK || !strings.HasPrefix(body, "user-"+itoa(id)+" ") {
						t.Fatalf("round %d user %d: %d %q", round, id, code, body)
					}
				}
			}
			if code, _ := get(t, base+"/users/999"); code != http.StatusNotFound {
				t.Errorf("unknown user: %d, want 404", code)
			}

			// The sampler runs every 100 ms; wait for a report that has seen the traffic.
			var r report.Report
			var body string
			for deadline := time.Now().Add(30 * time.Second); ; {
				var code int
				code, body = get(t, base+"/api/performance/report")
				if code != http.StatusOK {
					t.Fatalf("report: %d %s", code, body)
				}
				r = report.Report{}
				if err := json.Unmarshal([]byte(body), &r); err != nil {
					t.Fatal(err)
				}
				if r.Caches["users"].Metrics.Hits >= 20 || time.Now().After(deadline) {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err := reporttest.MatchesSchema("report", []byte(body)); err != nil {
				t.Error(err)
			}
			if got := r.Caches["users"].Metrics; got.Hits != 20 || got.Misses != 11 {
				t.Errorf("users cache %+v: want 20 hits and 11 misses (10 loads + the unknown user)", got)
			}
			if p, ok := r.Pools["database"]; !ok || p.Metrics.Kind != tc.kind {
				t.Errorf("database pool %+v: want kind %s", p, tc.kind)
			}
			if _, ok := r.Pools["redis"]; !ok {
				t.Errorf("no redis pool in the report: %v", r.Pools)
			}
			code, metrics := get(t, base+"/metrics")
			if code != http.StatusOK || !strings.Contains(metrics, `resync_cache_hits_total{cache="users"} 20`) {
				t.Errorf("/metrics %d lacks the users cache hits:\n%s", code, metrics)
			}
			if !strings.Contains(metrics, `pool="database"`) {
				t.Errorf("/metrics lacks the database pool:\n%s", metrics)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
