package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
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
			observeMetrics(t, base)
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

// observeMetrics runs "resync report --observe 2s --interval 1s --metrics
// …/metrics -o json" in-process against the service while 20 requests for
// cached users run inside the window, and checks that the report reads the
// service's pools and cache from its Prometheus endpoint.
func observeMetrics(t *testing.T, base string) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
	f.LookupEnv = func(string) (string, bool) { return "", false }
	f.WorkDir = t.TempDir()
	f.Signals = nil
	traffic := make(chan error, 1)
	go func() {
		// After the first reading, well before the last one (2 s).
		time.Sleep(300 * time.Millisecond)
		for i := range 20 {
			resp, err := http.Get(base + "/users/" + itoa(1+i%10))
			if err != nil {
				traffic <- err
				return
			}
			resp.Body.Close()
			time.Sleep(20 * time.Millisecond)
		}
		traffic <- nil
	}()
	args := []string{"report", "--observe", "2s", "--interval", "1s", "--metrics", base + "/metrics", "-o", "json"}
	code := cmd.Run(context.Background(), f, args)
	if err := <-traffic; err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("resync %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	var r report.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if err := reporttest.MatchesSchema("report", out.Bytes()); err != nil {
		t.Error(err)
	}
	if r.Mode != report.ModeObserve || len(r.Targets) != 1 || !r.Targets[0].Reachable || r.Targets[0].Kind != "prometheus" {
		t.Fatalf("mode %q targets %+v: want observe mode and one reachable prometheus target", r.Mode, r.Targets)
	}
	c, ok := r.Caches["metrics/users"]
	if !ok {
		t.Fatalf("no cache metrics/users in %v", keys(r.Caches))
	}
	// The requests hit the cached users 1–10: hits, no miss. A slow
	// machine may let a few land outside the window, never more than 20.
	if c.Source != report.SourcePrometheus || c.Metrics.Hits == 0 || c.Metrics.Hits > 20 || c.Metrics.Misses != 0 {
		t.Errorf("cache metrics/users: source %s, %d hits, %d misses; want prometheus, 1–20 hits (the window's requests), 0 misses",
			c.Source, c.Metrics.Hits, c.Metrics.Misses)
	}
	for _, name := range []string{"metrics/database", "metrics/redis"} {
		p, ok := r.Pools[name]
		if !ok {
			t.Errorf("no pool %s in %v", name, keys(r.Pools))
			continue
		}
		if p.Source != report.SourcePrometheus || p.Metrics.MaxSize == 0 || len(p.Metrics.Derived) == 0 {
			t.Errorf("pool %s: source %s, max %d, derived %v; want prometheus, the pool's max, the derived wait named",
				name, p.Source, p.Metrics.MaxSize, p.Metrics.Derived)
		}
	}
	if p := r.Pools["metrics/database"]; p.Metrics.MaxSize != 4 {
		t.Errorf("database pool max %d, want 4 (db.SetMaxOpenConns(4))", p.Metrics.MaxSize)
	}
	if p := r.Pools["metrics/redis"]; p.Metrics.AcquireCount == 0 {
		t.Errorf("redis pool: no acquire counted over the window, want the requests' INCRs: %s", fmt.Sprint(p.Metrics))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
