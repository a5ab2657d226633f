package config_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/config"
)

var update = flag.Bool("update", false, "rewrite golden files and docs/configuration.md")

// TestSampleLoadsToDefaults: the file `config init` writes names every key
// and loads to exactly the defaults, every value read from the file.
func TestSampleLoadsToDefaults(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "settings.toml", string(config.Sample()))
	c := mustLoad(t, config.LoadOptions{WorkDir: dir, LookupEnv: env(nil)})
	d := config.Defaults()
	d.File, d.Sources = "settings.toml", c.Sources
	if !reflect.DeepEqual(*c, d) {
		t.Errorf("sample loads to\n%+v\nwant\n%+v", *c, d)
	}
	sample := string(config.Sample())
	for _, k := range config.Keys() {
		if !strings.Contains(sample, "\n"+k.Field()+" = ") && !strings.Contains(sample, "\n# "+k.Field()+" = ") {
			t.Errorf("sample lacks %s", k.Name)
		}
		for _, e := range k.Env {
			if !strings.Contains(sample, e) {
				t.Errorf("sample does not mention variable %s", e)
			}
		}
		src := c.Sources[k.Name]
		if k.Default != "" && src.Kind != config.FromFile {
			t.Errorf("%s came from %v, want the file", k.Name, src)
		}
	}
}

// TestKeys checks the registry against DESIGN.md's table: the spec's
// variable names and defaults.
func TestKeys(t *testing.T) {
	want := map[string]struct{ env, def string }{
		"ASYNC_CACHE.TTL_SECONDS":                          {"ASYNC_CACHE_TTL", "60"},
		"ASYNC_CACHE.CLEANUP_INTERVAL":                     {"ASYNC_CACHE_CLEANUP_INTERVAL", "30"},
		"ASYNC_CACHE.NUM_SHARDS":                           {"ASYNC_CACHE_NUM_SHARDS", "8"},
		"ASYNC_CACHE.MAX_WORKERS":                          {"ASYNC_CACHE_MAX_WORKERS", "4"},
		"ASYNC_CACHE.MAX_ITEMS":                            {"ASYNC_CACHE_MAX_ITEMS", "100000"},
		"ASYNC_CACHE.MAX_MEMORY_MB":                        {"ASYNC_CACHE_MAX_MEMORY_MB", "100"},
		"CONNECTION_POOL.DB_POOL_MIN_SIZE":                 {"DB_POOL_MIN_SIZE", "20"},
		"CONNECTION_POOL.DB_POOL_MAX_SIZE":                 {"DB_POOL_MAX_SIZE", "100"},
		"CONNECTION_POOL.DB_POOL_CONNECT_TIMEOUT":          {"DB_POOL_CONNECT_TIMEOUT", "60"},
		"CONNECTION_POOL.DB_POOL_IDLE_TIMEOUT":             {"DB_POOL_IDLE_TIMEOUT", "1200"},
		"CONNECTION_POOL.DB_POOL_MAX_LIFETIME":             {"DB_POOL_MAX_LIFETIME", "1800"},
		"CONNECTION_POOL.DB_POOL_HEALTH_CHECK_INTERVAL":    {"DB_POOL_HEALTH_CHECK_INTERVAL", "60"},
		"CONNECTION_POOL.REDIS_POOL_MIN_SIZE":              {"REDIS_POOL_MIN_SIZE", "5"},
		"CONNECTION_POOL.REDIS_POOL_MAX_SIZE":              {"REDIS_POOL_MAX_SIZE", "20"},
		"CONNECTION_POOL.REDIS_POOL_CONNECT_TIMEOUT":       {"REDIS_POOL_CONNECT_TIMEOUT", "30"},
		"CONNECTION_POOL.REDIS_POOL_IDLE_TIMEOUT":          {"REDIS_POOL_IDLE_TIMEOUT", "300"},
		"CONNECTION_POOL.REDIS_POOL_MAX_LIFETIME":          {"REDIS_POOL_MAX_LIFETIME", "1800"},
		"CONNECTION_POOL.REDIS_POOL_HEALTH_CHECK_INTERVAL": {"REDIS_POOL_HEALTH_CHECK_INTERVAL", "60"},
		"CONNECTION_POOL.HTTP_POOL_MIN_SIZE":               {"HTTP_POOL_MIN_SIZE", "10"},
		"CONNECTION_POOL.HTTP_POOL_MAX_SIZE":               {"HTTP_POOL_MAX_SIZE", "100"},
		"CONNECTION_POOL.HTTP_POOL_CONNECT_TIMEOUT":        {"HTTP_POOL_CONNECT_TIMEOUT", "10"},
		"CONNECTION_POOL.HTTP_POOL_IDLE_TIMEOUT":           {"HTTP_POOL_IDLE_TIMEOUT", "300"},
		"CONNECTION_POOL.HTTP_POOL_MAX_LIFETIME":           {"HTTP_POOL_MAX_LIFETIME", "1800"},
		"CONNECTION_POOL.HTTP_POOL_HEALTH_CHECK_INTERVAL":  {"HTTP_POOL_HEALTH_CHECK_INTERVAL", "60"},
		"TARGETS.DATABASE_URLS":                            {"RESYNC_DATABASE_URL,DATABASE_URL", ""},
		"TARGETS.REDIS_URL":                                {"RESYNC_REDIS_URL,REDIS_URL", ""},
		"TARGETS.HTTP_URLS":                                {"RESYNC_HTTP_URL", ""},
		"TARGETS.PGBOUNCER_URLS":                           {"RESYNC_PGBOUNCER_URL", ""},
		"TARGETS.METRICS_URLS":                             {"RESYNC_METRICS_URL", ""},
		"WORKLOAD.DURATION":                                {"RESYNC_WORKLOAD_DURATION", "10s"},
		"WORKLOAD.CONCURRENCY":                             {"RESYNC_WORKLOAD_CONCURRENCY", "32"},
		"WORKLOAD.RATE":                                    {"RESYNC_WORKLOAD_RATE", "0"},
		"WORKLOAD.KEYS":                                    {"RESYNC_WORKLOAD_KEYS", "10000"},
		"WORKLOAD.DISTRIBUTION":                            {"RESYNC_WORKLOAD_DISTRIBUTION", "zipf"},
		"WORKLOAD.THRESHOLDS":                              {"RESYNC_WORKLOAD_THRESHOLDS", ""},
		"WORKLOAD.OBSERVE":                                 {"RESYNC_WORKLOAD_OBSERVE", "0s"},
		"WORKLOAD.OBSERVE_INTERVAL":                        {"RESYNC_WORKLOAD_OBSERVE_INTERVAL", "5s"},
	}
	keys := config.Keys()
	if len(keys) != len(want) {
		t.Errorf("%d keys, want %d", len(keys), len(want))
	}
	for _, k := range keys {
		w, ok := want[k.Name]
		if !ok {
			t.Errorf("unexpected key %s", k.Name)
			continue
		}
		if got := strings.Join(k.Env, ","); got != w.env || k.Default != w.def {
			t.Errorf("%s: env %s default %q, want env %s default %q", k.Name, got, k.Default, w.env, w.def)
		}
		if k.Description == "" || k.Type == "" {
			t.Errorf("%s lacks a description or type", k.Name)
		}
	}
}

// TestReferenceDoc fails when docs/configuration.md is not what Keys()
// generates; refresh it with -update.
func TestReferenceDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "configuration.md")
	got := config.Reference()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./pkg/config -run TestReferenceDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/configuration.md is stale: run go test ./pkg/config -run TestReferenceDoc -update")
	}
	for _, k := range config.Keys() {
		if !bytes.Contains(got, []byte("`"+k.Field()+"`")) {
			t.Errorf("reference lacks %s", k.Name)
		}
	}
}
