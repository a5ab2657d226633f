package poolscmd_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
)

// statsJSON is the part of "pools stats -o json" the tests read.
type statsJSON struct {
	SchemaVersion int    `json:"schema_version"`
	Partial       bool   `json:"partial"`
	OverallHealth string `json:"overall_health"`
	Targets       []struct {
		Name      string `json:"name"`
		URL       string `json:"url"`
		Reachable bool   `json:"reachable"`
		Error     string `json:"error"`
	} `json:"targets"`
	Pools map[string]struct {
		Metrics struct {
			MaxSize        int     `json:"max_size"`
			ThroughputPerS float64 `json:"throughput_per_s"`
			Operations     uint64  `json:"operations"`
		} `json:"metrics"`
		EfficiencyScore float64 `json:"efficiency_score"`
		Rating          string  `json:"rating"`
	} `json:"connection_pools"`
	Workload map[string]struct {
		Model        string  `json:"model"`
		Operations   uint64  `json:"operations"`
		Throughput   float64 `json:"throughput_per_s"`
		Late         uint64  `json:"late"`
		Abandoned    uint64  `json:"abandoned"`
		AbandonedAge struct {
			Oldest, Mean float64
		} `json:"abandoned_age_ms"`
		OpTimeoutMs float64 `json:"op_timeout_ms"`
		Partial     bool    `json:"partial"`
		Latency     struct {
			P50, P99, Max float64
		} `json:"latency_ms"`
		Errors struct {
			Timeout, Refused, Reset, Server, Other, Canceled uint64
		} `json:"errors"`
		Series []struct {
			Ops uint64 `json:"ops"`
		} `json:"series"`
		Cache *struct {
			Hits, Misses uint64
		} `json:"cache"`
	} `json:"workload"`
}

func decode(t *testing.T, stdout string) statsJSON {
	t.Helper()
	var s statsJSON
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return s
}

func TestStatsHTTP(t *testing.T) {
	srv := newServer(t, 64, time.Millisecond, nil)
	env := map[string]string{"HTTP_POOL_MAX_SIZE": "4", "HTTP_POOL_MIN_SIZE": "1"}

	code, stdout, stderr := run(t, env, "pools", "stats", "--http", srv.URL, "--requests", "300", "--warmup", "0",
		"--concurrency", "8", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s := decode(t, stdout)
	w, ok := s.Workload["http"]
	if !ok || s.SchemaVersion != 1 {
		t.Fatalf("no http workload in %s", stdout)
	}
	if w.Operations != 300 || w.Model != "closed" || w.Latency.P50 < 1 {
		t.Errorf("workload %+v, want 300 closed operations of ≥ 1 ms", w)
	}
	// 300 operations and the one request of the reachability probe.
	if got := srv.served.Load(); got != 301 {
		t.Errorf("server served %d, want 300 + 1 probe", got)
	}
	p := s.Pools["http"]
	if p.Metrics.MaxSize != 4 || p.Rating == "" || p.Metrics.ThroughputPerS <= 0 {
		t.Errorf("pool %+v: want HTTP_POOL_MAX_SIZE=4 applied, a rating and a throughput", p)
	}
	if stderr != "" {
		t.Errorf("stderr not empty when piped:\n%s", stderr)
	}

	code, stdout, _ = run(t, env, "pools", "stats", "--http", srv.URL, "--requests", "50", "--warmup", "0")
	if code != 0 {
		t.Fatal("table run failed")
	}
	for _, want := range []string{"resync pools stats", "closed model, 32 workers per target", "Connection pools", "Workload", "http"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Error("escape sequences in piped output")
	}

	code, stdout, _ = run(t, env, "pools", "stats", "--http", srv.URL, "--requests", "50", "--warmup", "0", "-o", "markdown")
	if code != 0 || !strings.Contains(stdout, "### Workload") || !strings.Contains(stdout, "| http | closed |") {
		t.Errorf("markdown (exit %d):\n%s", code, stdout)
	}
}

func TestStatsOpenModel(t *testing.T) {
	srv := newServer(t, 1, 5*time.Millisecond, nil)
	code, stdout, stderr := run(t, map[string]string{"HTTP_POOL_MAX_SIZE": "2", "HTTP_POOL_MIN_SIZE": "1"}, "pools", "stats", "--http", srv.URL,
		"--rate", "400", "--duration", "500ms", "--warmup", "0", "--concurrency", "4", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	w := decode(t, stdout).Workload["http"]
	// 400/s offered to a server that finishes one request per 5 ms: late.
	if w.Model != "open" || w.Late == 0 || w.Latency.P99 < 5 {
		t.Errorf("open model %+v: want late arrivals and queueing in the latency", w)
	}
}

func TestStatsWithCache(t *testing.T) {
	srv := newServer(t, 64, 0, nil)
	code, stdout, stderr := run(t, nil, "pools", "stats", "--http", srv.URL, "--requests", "2000", "--warmup", "0",
		"--cache", "--keys", "100", "--dist", "uniform", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	w := decode(t, stdout).Workload["http"]
	if w.Cache == nil || w.Cache.Hits == 0 || w.Cache.Hits+w.Cache.Misses != w.Operations {
		t.Fatalf("cache figures %+v for %d operations", w.Cache, w.Operations)
	}
	// A hit skips the pool: the server saw only the misses (and the probe).
	if got := srv.served.Load(); got != int64(w.Cache.Misses)+1 {
		t.Errorf("server served %d requests for %d misses + 1 probe", got, w.Cache.Misses)
	}
}

// One unreachable target is reported (exit 1, message naming it with the
// password hidden) while the others still run.
func TestStatsUnreachableTarget(t *testing.T) {
	srv := newServer(t, 64, 0, nil)
	code, stdout, stderr := run(t, nil, "pools", "stats", "--http", srv.URL, "--redis", "redis://:pl4nted-s3cret@127.0.0.1:1/0",
		"--requests", "100", "--warmup", "0", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "pl4nted-s3cret") {
		t.Fatal("the password appears in the output")
	}
	if !strings.Contains(stderr, "redis (redis://:***@127.0.0.1:1/0) is unreachable") || !strings.Contains(stderr, "1 of 2 targets unreachable: redis") {
		t.Errorf("stderr does not name the unreachable target:\n%s", stderr)
	}
	s := decode(t, stdout)
	if w := s.Workload["http"]; w.Operations != 100 {
		t.Errorf("the reachable target did not run: %+v", w)
	}
	if _, ran := s.Workload["redis"]; ran {
		t.Error("the unreachable target has workload figures")
	}
	var redisReachable = true
	for _, tg := range s.Targets {
		if tg.Name == "redis" {
			redisReachable = tg.Reachable
		}
	}
	if redisReachable || s.OverallHealth != "critical" {
		t.Errorf("targets %+v health %s: want redis unreachable and health critical", s.Targets, s.OverallHealth)
	}
}

// dyingServer is an HTTP target behind a fault proxy that dies after its
// n-th request: new connections refused, open ones cut. Use proxy.Addr().
func dyingServer(t *testing.T, n int64) *faultproxy.Proxy {
	t.Helper()
	var proxy *faultproxy.Proxy
	var once sync.Once
	srv := newServer(t, 64, 0, func(i int64) {
		if i == n {
			once.Do(func() {
				// Refuse first: a redial between the two would
				// otherwise get through and carry on unharmed.
				_ = proxy.RefuseNew(true)
				proxy.CutAll()
			})
		}
	})
	proxy, _ = faultproxy.Behind(t, srv.URL)
	return proxy
}

// A target that dies mid-run (connections cut, new ones refused) shows as
// classified errors and the run ends at its duration.
func TestStatsTargetDiesMidRun(t *testing.T) {
	proxy := dyingServer(t, 200)
	code, stdout, stderr := run(t, map[string]string{"HTTP_POOL_CONNECT_TIMEOUT": "1"}, "pools", "stats",
		"--http", "http://"+proxy.Addr()+"/", "--duration", "700ms", "--warmup", "0", "--concurrency", "4", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	w := decode(t, stdout).Workload["http"]
	errs := w.Errors.Refused + w.Errors.Reset + w.Errors.Timeout
	if errs == 0 || w.Errors.Other != 0 {
		t.Errorf("errors %+v: want refused/reset/timeout after the kill, none unclassified", w.Errors)
	}
}

// A target that stops serving early in a run shows as an outage window: a
// critical pool.outage recommendation naming the seconds, and critical
// health, however small the error rate would look averaged over a longer run.
func TestStatsOutageWindow(t *testing.T) {
	proxy := dyingServer(t, 50)
	code, stdout, stderr := run(t, map[string]string{"HTTP_POOL_CONNECT_TIMEOUT": "1"}, "pools", "stats",
		"--http", "http://"+proxy.Addr()+"/", "--duration", "3500ms", "--warmup", "0", "--concurrency", "2", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out struct {
		OverallHealth string   `json:"overall_health"`
		HealthReasons []string `json:"health_reasons"`
		Pools         map[string]struct {
			Recommendations []struct {
				ID, Severity, Message string
			} `json:"recommendations"`
		} `json:"connection_pools"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range out.Pools["http"].Recommendations {
		if r.ID == "pool.outage" {
			found = true
			if r.Severity != "critical" || !strings.Contains(r.Message, "No successful operation from second ") {
				t.Errorf("outage recommendation %+v", r)
			}
		}
	}
	if !found {
		t.Errorf("no pool.outage recommendation among %+v", out.Pools["http"].Recommendations)
	}
	if out.OverallHealth != "critical" || !strings.Contains(strings.Join(out.HealthReasons, "\n"), "pool http had an outage") {
		t.Errorf("health %s, reasons %q", out.OverallHealth, out.HealthReasons)
	}
}

// Ctrl-C prints the partial figures and exits 130.
func TestStatsInterrupted(t *testing.T) {
	sig := make(chan os.Signal, 2)
	srv := newServer(t, 64, time.Millisecond, func(n int64) {
		if n == 100 {
			sig <- syscall.SIGINT
		}
	})
	code, stdout, stderr := invocation{signals: sig}.run(t, "pools", "stats", "--http", srv.URL, "--duration", "1h",
		"--warmup", "0", "--concurrency", "4", "-o", "json")
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, stderr)
	}
	s := decode(t, stdout)
	if !s.Partial || !s.Workload["http"].Partial || s.Workload["http"].Operations < 90 {
		t.Errorf("partial %v, workload %+v: want the figures up to the interrupt", s.Partial, s.Workload["http"])
	}
	if !strings.Contains(stderr, "interrupted") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestStatsUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"concurrency 0", []string{"pools", "stats", "--http", "http://h/", "--concurrency", "0"}, []string{"--concurrency 0"}},
		{"bad duration", []string{"pools", "stats", "--http", "http://h/", "--duration", "soon"}, []string{`"soon" is not a duration`}},
		{"negative rate", []string{"pools", "stats", "--http", "http://h/", "--rate", "-5"}, []string{"--rate -5"}},
		{"requests inside warm-up", []string{"pools", "stats", "--http", "http://h/", "--rate", "100", "--requests", "50", "--warmup", "1s"},
			[]string{"--requests 50", "used up by the 1s warm-up (100 operations)"}},
		{"redis URL in --db", []string{"pools", "stats", "--db", "redis://:s3cret@h:6379"}, []string{"--db", "redis URL does not belong"}},
		{"unsupported scheme", []string{"pools", "stats", "--db", "ftp://u:s3cret@h/x"}, []string{"--db", `unsupported scheme "ftp"`}},
		{"relative http path", []string{"pools", "stats", "--http", "http://h/", "--http-path", "health"}, []string{"must start with /"}},
		{"positional argument", []string{"pools", "stats", "http://h/"}, []string{"unknown command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, nil, tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\nstderr: %s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("output before the usage error:\n%s", stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "s3cret") {
				t.Errorf("password in stderr: %s", stderr)
			}
		})
	}
}

func TestStatsRealServices(t *testing.T) {
	tests := []struct {
		name, flag string
		url        func(testing.TB) string
		extra      []string
	}{
		{"database", "--db", testenv.PostgresURL, nil},
		{"database", "--db", testenv.MySQLURL, []string{"--query", "SELECT 1"}},
		{"redis", "--redis", testenv.RedisURL, []string{"--redis-command", "GET resync:test:k"}},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.name, func(t *testing.T) {
			url := tt.url(t)
			args := append([]string{"pools", "stats", tt.flag, url, "--duration", "500ms", "--warmup", "100ms",
				"--concurrency", "4", "-o", "json"}, tt.extra...)
			code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4"}, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			w := decode(t, stdout).Workload[tt.name]
			if w.Operations == 0 || w.Errors.Other+w.Errors.Server+w.Errors.Reset != 0 {
				t.Errorf("workload %+v", w)
			}
		})
	}
}

// A target that stalls mid-run (SIGSTOP on a private redis-server) is not
// reported healthy: the operations it never answers are abandoned after
// the drain and make a critical pool.stalled finding.
func TestStatsStalledTarget(t *testing.T) {
	rd := testenv.StartRedis(t)
	go func() {
		time.Sleep(700 * time.Millisecond)
		_ = rd.Stop()
	}()
	env := map[string]string{"REDIS_POOL_MIN_SIZE": "1", "REDIS_POOL_MAX_SIZE": "2", "REDIS_POOL_CONNECT_TIMEOUT": "1"}
	code, stdout, stderr := run(t, env, "pools", "stats", "--redis", rd.URL, "--duration", "1500ms", "--warmup", "0",
		"--concurrency", "2", "--timeout", "30s", "-o", "json")
	_ = rd.Continue()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if h := decode(t, stdout).OverallHealth; !strings.Contains(stdout, `"pool.stalled"`) || h != "critical" {
		t.Errorf("want a pool.stalled finding and a critical report:\n%s", stdout)
	}
	w := decode(t, stdout).Workload["redis"]
	if w.Abandoned == 0 {
		t.Errorf("abandoned %d: want the operations the stalled server never answered", w.Abandoned)
	}
	// Stopped at 0.7 s of a 1.5 s window with a 2 s drain: the oldest cut
	// operation had run for at least the drain, and less than the timeout.
	if age := w.AbandonedAge; age.Oldest < 2000 || age.Oldest >= 30000 || age.Mean <= 0 || age.Mean > age.Oldest || w.OpTimeoutMs != 30000 {
		t.Errorf("abandoned age %+v, op timeout %v ms: want the oldest between the 2 s drain and the 30 s timeout", age, w.OpTimeoutMs)
	}
	if !strings.Contains(stdout, "the oldest for ") || !strings.Contains(stdout, "operation timeout 30s") {
		t.Errorf("the stalled finding lacks the age or the timeout:\n%s", stdout)
	}
}

// --redis-command splits like a shell: `SET "resync s17b:k" v` sets the key
// with the blank in its name (strings.Fields made it SET "resync, s17b:k",
// v and the server refused the arity).
func TestStatsRedisCommandQuoting(t *testing.T) {
	rd := testenv.StartRedis(t)
	code, stdout, stderr := run(t, map[string]string{"REDIS_POOL_MIN_SIZE": "1", "REDIS_POOL_MAX_SIZE": "2"},
		"pools", "stats", "--redis", rd.URL, "--redis-command", `SET "resync s17b:k" 'v w'`,
		"--requests", "20", "--warmup", "0", "--concurrency", "2", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	w := decode(t, stdout).Workload["redis"]
	if w.Operations == 0 || w.Errors.Other+w.Errors.Server+w.Errors.Reset != 0 {
		t.Fatalf("workload %+v", w)
	}
	opt, err := redis.ParseURL(rd.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	got, err := c.Get(t.Context(), "resync s17b:k").Result()
	if err != nil || got != "v w" {
		t.Errorf(`GET "resync s17b:k" = %q, %v; want "v w"`, got, err)
	}
}

// Operations the server rejects every time (bad SQL, an unknown command)
// stop the run after the first poolscmd.FailFastOps: the server's message
// is printed once on stderr, the target is marked failed, no figures are
// reported, and the exit code is 1. Before fail fast the run lasted the
// whole --duration at 100 % errors and exited 0.
func TestStatsFailFast(t *testing.T) {
	tests := []struct {
		name, flag string
		url        func(testing.TB) string
		extra      []string
		message    string // the server's words
	}{
		{"database", "--db", func(t testing.TB) string { return "sqlite://" + t.TempDir() + "/ff.db" },
			[]string{"--query", "SELEC 1"}, `near "SELEC": syntax error`},
		{"database", "--db", testenv.PostgresURL, []string{"--query", "SELEC 1"}, `syntax error at or near "SELEC"`},
		{"redis", "--redis", func(t testing.TB) string { return testenv.StartRedis(t).URL },
			[]string{"--redis-command", "NOSUCHCMD s17c"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.message, func(t *testing.T) {
			args := append([]string{"pools", "stats", tt.flag, tt.url(t), "--duration", "20s", "--warmup", "0",
				"--concurrency", "4", "-o", "json"}, tt.extra...)
			code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4",
				"REDIS_POOL_MIN_SIZE": "1", "REDIS_POOL_MAX_SIZE": "4"}, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			if n := strings.Count(stderr, tt.message); n != 1 {
				t.Errorf("stderr has the server's message %d times, want once:\n%s", n, stderr)
			}
			if !strings.Contains(stderr, "targets failed every operation: "+tt.name) {
				t.Errorf("stderr does not name the failed target:\n%s", stderr)
			}
			s := decode(t, stdout)
			if len(s.Targets) != 1 || !strings.Contains(s.Targets[0].Error, tt.message) {
				t.Errorf("targets %+v: want the server's message", s.Targets)
			}
			if _, ok := s.Workload[tt.name]; ok {
				t.Errorf("workload %q reported for a run that failed every operation", tt.name)
			}
		})
	}
}

// The --warmup period is in no pool figure: the pool's operations and
// acquires are the workload's measured ones (within those in flight at the
// window's edges), and the cache's hits and misses are the workload's.
// Before, the pool counted the warm-up too (311,875 operations against the
// workload's 158,143 with --warmup 2s --duration 2s).
func TestStatsWarmupInNoFigure(t *testing.T) {
	const conc = 4
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("cache %v", cached), func(t *testing.T) {
			args := []string{"pools", "stats", "--db", "sqlite://" + t.TempDir() + "/w.db", "--warmup", "1s", "--duration", "1s",
				"--concurrency", itoa(conc), "-o", "json"}
			if cached {
				args = append(args, "--cache", "--keys", "1000000")
			}
			code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4"}, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var out struct {
				Pools map[string]struct {
					Metrics struct {
						Operations   uint64  `json:"operations"`
						AcquireCount uint64  `json:"acquire_count"`
						Throughput   float64 `json:"throughput_per_s"`
					} `json:"metrics"`
				} `json:"connection_pools"`
				Caches map[string]struct {
					Metrics struct {
						HitRate float64 `json:"hit_rate"`
					} `json:"metrics"`
				} `json:"caches"`
				Workload map[string]struct {
					Operations uint64 `json:"operations"`
					Cache      *struct {
						Hits, Misses uint64
					} `json:"cache"`
				} `json:"workload"`
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			pool, w := out.Pools["database"].Metrics, out.Workload["database"]
			toPool := w.Operations // operations that reached the pool
			if cached {
				if w.Cache == nil {
					t.Fatal("no cache figures")
				}
				toPool = w.Cache.Misses
			}
			// The window is exactly 1s: the pool's throughput is its operations.
			for name, got := range map[string]uint64{"operations": pool.Operations, "acquire_count": pool.AcquireCount,
				"throughput_per_s × 1s": uint64(math.Round(pool.Throughput))} {
				if got+conc < toPool || got > toPool+conc {
					t.Errorf("pool %s %d, workload %d to the pool: want them equal within %d in flight", name, got, toPool, conc)
				}
			}
		})
	}
}

// WORKLOAD.RATE (--rate) is per target, as documented: two targets at
// --rate 50 for 1s each get about 50 arrivals, not 25.
func TestStatsRateIsPerTarget(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4"},
		"pools", "stats", "--db", "sqlite://"+dir+"/a.db", "--db", "sqlite://"+dir+"/b.db",
		"--rate", "50", "--duration", "1s", "--warmup", "0", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out struct {
		Workload map[string]struct {
			Operations uint64 `json:"operations"`
			Dropped    uint64 `json:"dropped"`
		} `json:"workload"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"database", "database2"} {
		w, ok := out.Workload[name]
		if arrivals := w.Operations + w.Dropped; !ok || arrivals < 45 || arrivals > 55 {
			t.Errorf("%s: %d arrivals (%+v), want about 50: the rate is per target", name, arrivals, w)
		}
	}
}
