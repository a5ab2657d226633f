package cmdutil

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/pkg/target"
)

func TestTargetFlags(t *testing.T) {
	tests := []struct {
		name     string
		tf       TargetFlags
		args     []string
		wantDB   []string
		wantHTTP []string
		wantPgb  []string
		// wantMetrics is --metrics; nil also checks the flag is not declared.
		wantMetrics []string
		bindings    map[string]string
	}{
		{
			name:   "repeatable: a comma stays in the URL",
			tf:     TargetFlags{DB: "db help", Redis: "redis help", HTTP: "http help"},
			args:   []string{"--db", "postgres://h1,h2/app", "--db", "sqlite::memory:", "--http", "http://a/"},
			wantDB: []string{"postgres://h1,h2/app", "sqlite::memory:"}, wantHTTP: []string{"http://a/"},
			bindings: map[string]string{"db": "TARGETS.DATABASE_URLS", "redis": "TARGETS.REDIS_URL", "http": "TARGETS.HTTP_URLS", "x": "X.Y"},
		},
		{
			name:   "comma-separated",
			tf:     TargetFlags{DB: "db", Redis: "redis", HTTP: "http", CommaSeparated: true},
			args:   []string{"--db", "postgres://a/x,mysql://b/y", "--http", "http://a/,http://b/"},
			wantDB: []string{"postgres://a/x", "mysql://b/y"}, wantHTTP: []string{"http://a/", "http://b/"},
			bindings: map[string]string{"db": "TARGETS.DATABASE_URLS", "redis": "TARGETS.REDIS_URL", "http": "TARGETS.HTTP_URLS", "x": "X.Y"},
		},
		{
			name:     "--pgbouncer repeatable",
			tf:       TargetFlags{Redis: "redis", Pgbouncer: "pgb"},
			args:     []string{"--pgbouncer", "postgres://a:6432/pgbouncer", "--pgbouncer", "postgres://b:6432/pgbouncer"},
			wantPgb:  []string{"postgres://a:6432/pgbouncer", "postgres://b:6432/pgbouncer"},
			bindings: map[string]string{"redis": "TARGETS.REDIS_URL", "pgbouncer": "TARGETS.PGBOUNCER_URLS", "x": "X.Y"},
		},
		{
			name:     "no --http",
			tf:       TargetFlags{DB: "db", Redis: "redis"},
			args:     []string{"--db", "postgres://a/x"},
			wantDB:   []string{"postgres://a/x"},
			bindings: map[string]string{"db": "TARGETS.DATABASE_URLS", "redis": "TARGETS.REDIS_URL", "x": "X.Y"},
		},
		{
			name:        "--metrics, repeated and comma-separated",
			tf:          TargetFlags{DB: "db", Metrics: "metrics", CommaSeparated: true},
			args:        []string{"--metrics", "http://a/metrics,http://b/metrics", "--metrics", "https://c/m"},
			wantMetrics: []string{"http://a/metrics", "http://b/metrics", "https://c/m"},
			bindings:    map[string]string{"db": "TARGETS.DATABASE_URLS", "metrics": "TARGETS.METRICS_URLS", "x": "X.Y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fl := pflag.NewFlagSet("test", pflag.ContinueOnError)
			tt.tf.Register(fl)
			if err := fl.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			values := func(name string) []string {
				f := fl.Lookup(name)
				if f == nil {
					return nil
				}
				return f.Value.(pflag.SliceValue).GetSlice()
			}
			if got := values("db"); !equal(got, tt.wantDB) {
				t.Errorf("--db = %q, want %q", got, tt.wantDB)
			}
			if got := values("http"); !equal(got, tt.wantHTTP) {
				t.Errorf("--http = %q, want %q", got, tt.wantHTTP)
			}
			if got := values("pgbouncer"); !equal(got, tt.wantPgb) {
				t.Errorf("--pgbouncer = %q, want %q", got, tt.wantPgb)
			}
			if tt.tf.Pgbouncer == "" && fl.Lookup("pgbouncer") != nil {
				t.Error("--pgbouncer declared without a help text")
			}
			if got := values("metrics"); !equal(got, tt.wantMetrics) {
				t.Errorf("--metrics = %q, want %q", got, tt.wantMetrics)
			}
			if tt.tf.Metrics == "" && fl.Lookup("metrics") != nil {
				t.Error("--metrics declared without a help text")
			}
			if tt.tf.HTTP == "" && fl.Lookup("http") != nil {
				t.Error("--http declared without a help text")
			}
			if f := fl.Lookup("db"); f != nil && f.Usage != tt.tf.DB {
				t.Errorf("--db help %q, want %q", f.Usage, tt.tf.DB)
			}
			extra := map[string]string{"x": "X.Y"}
			if got := tt.tf.Bindings(extra); !maps.Equal(got, tt.bindings) {
				t.Errorf("bindings %v, want %v", got, tt.bindings)
			}
			if len(extra) != 1 {
				t.Error("Bindings modified its argument")
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTargets(t *testing.T) {
	ts, err := Targets([]string{"postgres://a/x", "sqlite::memory:"}, "redis://c:6379", []string{"http://h/"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range ts {
		names = append(names, tg.Name)
	}
	if got := strings.Join(names, " "); got != "database database2 redis http" {
		t.Errorf("names %q", got)
	}
	tests := []struct {
		db    []string
		redis string
		http  []string
		want  string
	}{
		{db: []string{"redis://:s3cret@c"}, want: "--db / TARGETS.DATABASE_URLS[0]: redis://:***@c is a redis URL"},
		{redis: "http://u:s3cret@h", want: "--redis / TARGETS.REDIS_URL: http://u:***@h is a http URL"},
		{http: []string{"http://h/", "gopher://h"}, want: `--http / TARGETS.HTTP_URLS[1]: unsupported scheme "gopher"`},
	}
	for _, tt := range tests {
		_, err := Targets(tt.db, tt.redis, tt.http)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("err = %v, want a usage error containing %q without the password", err, tt.want)
		}
	}
	for key, flag := range map[string]string{target.KeyDatabaseURLs: "--db", target.KeyRedisURL: "--redis", target.KeyHTTPURLs: "--http", target.KeyPgbouncerURLs: "--pgbouncer", target.KeyMetricsURLs: "--metrics", "WORKLOAD.RATE": ""} {
		if got := TargetFlagFor(key); got != flag {
			t.Errorf("TargetFlagFor(%s) = %q, want %q", key, got, flag)
		}
	}
}

func TestPgbouncers(t *testing.T) {
	ts, err := Pgbouncers([]string{"postgres://a:6432/pgbouncer"})
	if err != nil || len(ts) != 1 || ts[0].Name != "pgbouncer" || ts[0].Kind != target.Pgbouncer {
		t.Fatalf("Pgbouncers = %v, %v", ts, err)
	}
	_, err = Pgbouncers([]string{"postgres://a:6432/pgbouncer", "postgres://u:s3cret@b:6432/app"})
	var ue *UsageError
	want := "--pgbouncer / TARGETS.PGBOUNCER_URLS[1]: database \"app\""
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v, want a usage error containing %q without the password", err, want)
	}
}

func TestMetricsTargets(t *testing.T) {
	ts, err := MetricsTargets([]string{"http://svc:9090/metrics", "https://svc2/metrics?token=s3cret"})
	if err != nil || len(ts) != 2 || ts[1].Name != "metrics2" || ts[1].Kind != target.Prometheus {
		t.Fatalf("targets %v, err %v: want metrics and metrics2 of kind prometheus", ts, err)
	}
	_, err = MetricsTargets([]string{"redis://:s3cret@cache"})
	var ue *UsageError
	want := "--metrics / TARGETS.METRICS_URLS[0]: redis://:***@cache is a redis URL"
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v, want a usage error containing %q without the password", err, want)
	}
}
