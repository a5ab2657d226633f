package poolscmd_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
)

type recommendJSON struct {
	SchemaVersion int  `json:"schema_version"`
	Partial       bool `json:"partial"`
	Pools         map[string]struct {
		SweepMax       int            `json:"sweep_max"`
		Concurrency    int            `json:"concurrency"`
		Settings       map[string]int `json:"settings"`
		PeakThroughput float64        `json:"peak_throughput_per_s"`
		Steps          []struct {
			Size       int     `json:"size"`
			Throughput float64 `json:"throughput_per_s"`
		} `json:"steps"`
		Fit *struct {
			Sigma, Kappa, R2 float64
		} `json:"fit"`
		Limit *struct {
			Max int `json:"max"`
		} `json:"limit"`
		Recommendation *struct {
			Max, Min int
			Capped   bool
		} `json:"recommendation"`
		Recommendations []struct {
			ID         string             `json:"id"`
			Suggestion string             `json:"suggestion"`
			Evidence   map[string]float64 `json:"evidence"`
		} `json:"recommendations"`
	} `json:"connection_pools"`
}

// An HTTP server that serves at most 6 requests at once: the recommended
// max lands at 6 (within one sweep step on a noisy machine).
func TestRecommendKnownLimit(t *testing.T) {
	srv := newServer(t, 6, 40*time.Millisecond, nil)
	env := map[string]string{"HTTP_POOL_MAX_SIZE": "16", "HTTP_POOL_MIN_SIZE": "1"}
	code, stdout, stderr := run(t, env, "pools", "recommend", "--http", srv.URL, "--step-duration", "1s", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out recommendJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	p, ok := out.Pools["http"]
	if !ok || p.Recommendation == nil {
		t.Fatalf("no recommendation:\n%s", stdout)
	}
	if m := p.Settings["HTTP_POOL_MAX_SIZE"]; m < 4 || m > 8 || m != p.Recommendation.Max {
		t.Errorf("HTTP_POOL_MAX_SIZE=%d, want the server's limit 6 (within the sweep steps 4–8)\n%s", m, stdout)
	}
	if p.Settings["HTTP_POOL_MIN_SIZE"] < 1 || p.Settings["HTTP_POOL_MIN_SIZE"] > p.Settings["HTTP_POOL_MAX_SIZE"] {
		t.Errorf("settings %v", p.Settings)
	}
	if p.Concurrency != 32 || p.SweepMax != 16 || p.Fit == nil {
		t.Errorf("concurrency %d sweep max %d fit %v", p.Concurrency, p.SweepMax, p.Fit)
	}
	if len(p.Recommendations) != 2 || p.Recommendations[0].Suggestion != "HTTP_POOL_MAX_SIZE="+itoa(p.Recommendation.Max) ||
		p.Recommendations[0].Evidence["peak_throughput_per_s"] <= 0 {
		t.Errorf("recommendations %+v", p.Recommendations)
	}
}

func TestRecommendTable(t *testing.T) {
	srv := newServer(t, 2, 10*time.Millisecond, nil)
	env := map[string]string{"HTTP_POOL_MAX_SIZE": "4", "HTTP_POOL_MIN_SIZE": "1"}
	code, stdout, stderr := run(t, env, "pools", "recommend", srv.URL, "--step-duration", "200ms", "--expected-rate", "50")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"resync pools recommend", "SIZE", "ACQUIRE WAIT", "● measured", "USL fit", "wait check: size",
		"Little's law: 50 ops/s", "Settings to paste", "HTTP_POOL_MIN_SIZE=", "HTTP_POOL_MAX_SIZE="} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = run(t, env, "pools", "recommend", srv.URL, "--step-duration", "200ms", "-o", "markdown")
	if code != 0 || !strings.Contains(stdout, "## resync pools recommend") || !strings.Contains(stdout, "```\nHTTP_POOL_MIN_SIZE=") {
		t.Errorf("markdown (exit %d):\n%s", code, stdout)
	}
}

func TestRecommendPostgres(t *testing.T) {
	url := testenv.PostgresURL(t)
	env := map[string]string{"DB_POOL_MAX_SIZE": "4", "DB_POOL_MIN_SIZE": "1"}
	code, stdout, stderr := run(t, env, "pools", "recommend", "--db", url, "--query", "SELECT pg_sleep(0.005)",
		"--step-duration", "300ms", "--instances", "2", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out recommendJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	p := out.Pools["database"]
	if p.Limit == nil || p.Limit.Max < 1 {
		t.Errorf("server limit not read: %+v", p.Limit)
	}
	// pg_sleep scales with connections: no plateau below the configured 4.
	if p.Recommendation == nil || p.Recommendation.Max < 3 {
		t.Errorf("recommendation %+v", p.Recommendation)
	}
}

func TestRecommendUsage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown embedded pool", nil, []string{"pools", "recommend", "nosuch"}, `no pool named "nosuch": the configured pools are database, redis, http`},
		{"instances 0", nil, []string{"pools", "recommend", "--http", "http://h/", "--instances", "0"}, "--instances 0"},
		{"negative rate", nil, []string{"pools", "recommend", "--http", "http://h/", "--expected-rate", "-1"}, "--expected-rate -1"},
		{"headroom below 1", nil, []string{"pools", "recommend", "--http", "http://h/", "--headroom", "0.5"}, "--headroom 0.5"},
		{"zero wait", nil, []string{"pools", "recommend", "--http", "http://h/", "--wait-p99", "0"}, "--wait-p99"},
		{"bad step", nil, []string{"pools", "recommend", "--http", "http://h/", "--step-duration", "fast"}, `"fast" is not a duration`},
		{"unknown pool", map[string]string{"RESYNC_HTTP_URL": "http://h/"}, []string{"pools", "recommend", "database"}, `no pool named "database": the configured pools are http`},
		{"bad URL argument", nil, []string{"pools", "recommend", "ftp://u:s3cret@h/"}, `unsupported scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.env, tt.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "s3cret") {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestRecommendUnreachable(t *testing.T) {
	code, _, stderr := run(t, map[string]string{"REDIS_POOL_CONNECT_TIMEOUT": "2"}, "pools", "recommend", "--redis", "redis://:pw-s3cret@127.0.0.1:1")
	if code != 1 || !strings.Contains(stderr, "redis (redis://:***@127.0.0.1:1) is unreachable") || strings.Contains(stderr, "pw-s3cret") {
		t.Errorf("exit %d stderr:\n%s", code, stderr)
	}
}

// A sweep whose first step fails every operation alike (bad SQL, an
// unknown command) stops there: the server's message once on stderr, the
// target marked failed with no sweep, exit 1. Before, the step ran its
// whole duration at 100 % errors and the command exited 0.
func TestRecommendFailFast(t *testing.T) {
	tests := []struct {
		name, flag string
		url        func(testing.TB) string
		extra      []string
		message    string // the server's words
	}{
		{"database", "--db", func(t testing.TB) string { return "sqlite://" + t.TempDir() + "/ff.db" },
			[]string{"--query", "SELEC 1"}, `near "SELEC": syntax error`},
		{"database", "--db", testenv.PostgresURL, []string{"--query", "SELEC 1"}, `syntax error at or near "SELEC"`},
		{"database", "--db", testenv.MySQLURL, []string{"--query", "SELEC 1"}, "You have an error in your SQL syntax"},
		{"redis", "--redis", testenv.RedisURL, []string{"--redis-command", "NOSUCHCMD s17r"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.message, func(t *testing.T) {
			args := append([]string{"pools", "recommend", tt.flag, tt.url(t), "--step-duration", "20s", "-o", "json"}, tt.extra...)
			code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4",
				"REDIS_POOL_MIN_SIZE": "1", "REDIS_POOL_MAX_SIZE": "4"}, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			if n := strings.Count(stderr, tt.message); n != 1 {
				t.Errorf("stderr has the server's message %d times, want once:\n%s", n, stderr)
			}
			if !strings.Contains(stderr, "1 of 1 targets failed every operation: "+tt.name) {
				t.Errorf("stderr does not name the failed target:\n%s", stderr)
			}
			var out struct {
				Targets []struct {
					Reachable bool   `json:"reachable"`
					Error     string `json:"error"`
				} `json:"targets"`
				Pools map[string]json.RawMessage `json:"connection_pools"`
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			if len(out.Targets) != 1 || !strings.Contains(out.Targets[0].Error, tt.message) {
				t.Errorf("targets %+v: want the server's message", out.Targets)
			}
			if _, ok := out.Pools[tt.name]; ok {
				t.Errorf("a sweep of %q reported for a target that failed every operation", tt.name)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
