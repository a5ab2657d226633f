package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/config"
)

// env returns a LookupEnv over a fixed map, so no variable of the machine
// running the tests leaks in.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// writeFile writes a file under dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, o config.LoadOptions) *config.Config {
	t.Helper()
	c, err := config.Load(o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func src(kind config.SourceKind, detail string) config.Source {
	return config.Source{Kind: kind, Detail: detail}
}

// TestPrecedence checks default < file < env < flag for keys of every
// type. Each row sets some layers for one key; the file puts the key on
// line 2 of settings.toml.
func TestPrecedence(t *testing.T) {
	type layer struct{ file, envName, envVal, flag string }
	tests := []struct {
		key     string
		set     layer
		want    any
		wantSrc config.Source
	}{
		// integer
		{"ASYNC_CACHE.NUM_SHARDS", layer{}, 8, src(config.FromDefault, "")},
		{"ASYNC_CACHE.NUM_SHARDS", layer{file: "16"}, 16, src(config.FromFile, "settings.toml:2")},
		{"ASYNC_CACHE.NUM_SHARDS", layer{file: "16", envName: "ASYNC_CACHE_NUM_SHARDS", envVal: "32"}, 32, src(config.FromEnv, "ASYNC_CACHE_NUM_SHARDS")},
		{"ASYNC_CACHE.NUM_SHARDS", layer{file: "16", envName: "ASYNC_CACHE_NUM_SHARDS", envVal: "32", flag: "64"}, 64, src(config.FromFlag, "--flag")},
		{"ASYNC_CACHE.NUM_SHARDS", layer{flag: "2"}, 2, src(config.FromFlag, "--flag")},
		// seconds, with the spec's short variable name
		{"ASYNC_CACHE.TTL_SECONDS", layer{}, 60.0, src(config.FromDefault, "")},
		{"ASYNC_CACHE.TTL_SECONDS", layer{file: "1.5"}, 1.5, src(config.FromFile, "settings.toml:2")},
		{"ASYNC_CACHE.TTL_SECONDS", layer{file: "90", envName: "ASYNC_CACHE_TTL", envVal: "120"}, 120.0, src(config.FromEnv, "ASYNC_CACHE_TTL")},
		{"ASYNC_CACHE.TTL_SECONDS", layer{file: "90", envName: "ASYNC_CACHE_TTL", envVal: "120", flag: "5m"}, 300.0, src(config.FromFlag, "--flag")},
		{"CONNECTION_POOL.DB_POOL_CONNECT_TIMEOUT", layer{file: `"2m"`, envName: "DB_POOL_CONNECT_TIMEOUT", envVal: ""}, 120.0, src(config.FromFile, "settings.toml:2")},
		// pool size from the spec's variable names
		{"CONNECTION_POOL.REDIS_POOL_MAX_SIZE", layer{file: "30", envName: "REDIS_POOL_MAX_SIZE", envVal: "40"}, 40, src(config.FromEnv, "REDIS_POOL_MAX_SIZE")},
		// duration
		{"WORKLOAD.DURATION", layer{}, "10s", src(config.FromDefault, "")},
		{"WORKLOAD.DURATION", layer{file: `"1m30s"`}, "1m30s", src(config.FromFile, "settings.toml:2")},
		{"WORKLOAD.DURATION", layer{file: "45"}, "45s", src(config.FromFile, "settings.toml:2")},
		{"WORKLOAD.DURATION", layer{file: "45", envName: "RESYNC_WORKLOAD_DURATION", envVal: "2m"}, "2m0s", src(config.FromEnv, "RESYNC_WORKLOAD_DURATION")},
		{"WORKLOAD.DURATION", layer{file: "45", envName: "RESYNC_WORKLOAD_DURATION", envVal: "2m", flag: "3"}, "3s", src(config.FromFlag, "--flag")},
		// float
		{"WORKLOAD.RATE", layer{file: "250"}, 250.0, src(config.FromFile, "settings.toml:2")},
		{"WORKLOAD.RATE", layer{file: "250", envName: "RESYNC_WORKLOAD_RATE", envVal: "12.5"}, 12.5, src(config.FromEnv, "RESYNC_WORKLOAD_RATE")},
		// string with choices (case-insensitive)
		{"WORKLOAD.DISTRIBUTION", layer{}, "zipf", src(config.FromDefault, "")},
		{"WORKLOAD.DISTRIBUTION", layer{file: `"Uniform"`}, "uniform", src(config.FromFile, "settings.toml:2")},
		{"WORKLOAD.DISTRIBUTION", layer{file: `"uniform"`, envName: "RESYNC_WORKLOAD_DISTRIBUTION", envVal: "hotset", flag: "zipf"}, "zipf", src(config.FromFlag, "--flag")},
		// list, the alias, and a comma-separated variable
		{"TARGETS.DATABASE_URLS", layer{}, []string{}, src(config.FromDefault, "")},
		{"TARGETS.DATABASE_URLS", layer{file: `["postgres://file@db/app", "sqlite::memory:"]`}, []string{"postgres://file@db/app", "sqlite::memory:"}, src(config.FromFile, "settings.toml:2")},
		{"TARGETS.DATABASE_URLS", layer{file: `["mysql://f@db/a"]`}, []string{"mysql://f@db/a"}, src(config.FromFile, "settings.toml:2")},
		{"TARGETS.DATABASE_URLS", layer{file: `["postgres://file@db/app"]`, envName: "DATABASE_URL", envVal: "mysql://env@db/app, sqlite://x.db"}, []string{"mysql://env@db/app", "sqlite://x.db"}, src(config.FromEnv, "DATABASE_URL")},
		{"TARGETS.DATABASE_URLS", layer{envName: "DATABASE_URL", envVal: "postgres://h1,h2:5433/app"}, []string{"postgres://h1,h2:5433/app"}, src(config.FromEnv, "DATABASE_URL")},
		{"TARGETS.DATABASE_URLS", layer{file: `["postgres://file@db/app"]`, flag: "postgres://flag@db/app,sqlite::memory:"}, []string{"postgres://flag@db/app", "sqlite::memory:"}, src(config.FromFlag, "--flag")},
		{"TARGETS.HTTP_URLS", layer{envName: "RESYNC_HTTP_URL", envVal: "http://a,https://b/x"}, []string{"http://a", "https://b/x"}, src(config.FromEnv, "RESYNC_HTTP_URL")},
		// string URL and its alias
		{"TARGETS.REDIS_URL", layer{file: `"redis://file:6379"`}, "redis://file:6379", src(config.FromFile, "settings.toml:2")},
		{"TARGETS.REDIS_URL", layer{file: `"redis://file:6379"`, envName: "REDIS_URL", envVal: "rediss://env:6380"}, "rediss://env:6380", src(config.FromEnv, "REDIS_URL")},
		{"TARGETS.REDIS_URL", layer{file: `"redis://file:6379"`, envName: "REDIS_URL", envVal: "rediss://env:6380", flag: "redis://flag"}, "redis://flag", src(config.FromFlag, "--flag")},
	}
	for _, tt := range tests {
		name := tt.key + "/" + strings.Join([]string{tt.set.file, tt.set.envName, tt.set.flag}, "|")
		t.Run(name, func(t *testing.T) {
			k, ok := config.LookupKey(tt.key)
			if !ok {
				t.Fatalf("no key %s", tt.key)
			}
			dir := t.TempDir()
			if tt.set.file != "" {
				writeFile(t, dir, "settings.toml", "[default."+k.Table()+"]\n"+k.Field()+" = "+tt.set.file+"\n")
			}
			vars := map[string]string{}
			if tt.set.envName != "" {
				vars[tt.set.envName] = tt.set.envVal
			}
			o := config.LoadOptions{WorkDir: dir, LookupEnv: env(vars)}
			if tt.set.flag != "" {
				o.Flags = []config.FlagValue{{Key: tt.key, Flag: "--flag", Value: tt.set.flag}}
			}
			c := mustLoad(t, o)
			if got := k.Value(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("value = %#v, want %#v", got, tt.want)
			}
			if got := c.Sources[tt.key]; got != tt.wantSrc {
				t.Errorf("source = %q, want %q", got, tt.wantSrc)
			}
		})
	}
}

// TestPrimaryVariableBeatsAlias: RESYNC_DATABASE_URL wins over DATABASE_URL.
func TestPrimaryVariableBeatsAlias(t *testing.T) {
	c := mustLoad(t, config.LoadOptions{WorkDir: t.TempDir(), LookupEnv: env(map[string]string{
		"DATABASE_URL": "postgres://alias@db/app", "RESYNC_DATABASE_URL": "mysql://primary@db/app",
		"REDIS_URL": "redis://alias", "RESYNC_REDIS_URL": "redis://primary",
	})})
	if got := c.Targets.DatabaseURLs; !reflect.DeepEqual(got, []string{"mysql://primary@db/app"}) {
		t.Errorf("DatabaseURLs = %v", got)
	}
	if c.Targets.RedisURL != "redis://primary" || c.Sources["TARGETS.REDIS_URL"].Detail != "RESYNC_REDIS_URL" {
		t.Errorf("RedisURL = %q from %v", c.Targets.RedisURL, c.Sources["TARGETS.REDIS_URL"])
	}
}

// TestEveryKeyHasASource: Sources names every key, whatever set it.
func TestEveryKeyHasASource(t *testing.T) {
	c := mustLoad(t, config.LoadOptions{WorkDir: t.TempDir(), LookupEnv: env(nil)})
	for _, k := range config.Keys() {
		if _, ok := c.Sources[k.Name]; !ok {
			t.Errorf("no source for %s", k.Name)
		}
	}
	d := config.Defaults()
	d.Sources = c.Sources
	if !reflect.DeepEqual(*c, d) {
		t.Errorf("with nothing set Load = %+v, want the defaults", *c)
	}
}

const envSettings = `[default.ASYNC_CACHE]
TTL_SECONDS = 120
NUM_SHARDS = 16

[default.CONNECTION_POOL]
DB_POOL_MAX_SIZE = 50

[production.CONNECTION_POOL]
DB_POOL_MAX_SIZE = 200
DB_POOL_MIN_SIZE = 40

[production.ASYNC_CACHE]
NUM_SHARDS = 32

[staging.CONNECTION_POOL]
DB_POOL_MAX_SIZE = 75
`

// TestEnvironmentTable: the table chosen by --env or RESYNC_ENV overrides
// [default] key by key; the rest of [default] still applies.
func TestEnvironmentTable(t *testing.T) {
	tests := []struct {
		name      string
		flag      string
		vars      map[string]string
		wantEnv   string
		maxSize   int
		minSize   int
		shards    int
		maxSrc    string
		ttl       time.Duration
		ttlSource string
	}{
		{name: "default only", wantEnv: "", maxSize: 50, minSize: 20, shards: 16, maxSrc: "settings.toml:6", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
		{name: "--env production", flag: "production", wantEnv: "production", maxSize: 200, minSize: 40, shards: 32, maxSrc: "settings.toml:9", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
		{name: "RESYNC_ENV", vars: map[string]string{"RESYNC_ENV": "staging"}, wantEnv: "staging", maxSize: 75, minSize: 20, shards: 16, maxSrc: "settings.toml:16", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
		{name: "--env beats RESYNC_ENV", flag: "production", vars: map[string]string{"RESYNC_ENV": "staging"}, wantEnv: "production", maxSize: 200, minSize: 40, shards: 32, maxSrc: "settings.toml:9", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
		{name: "--env default", flag: "default", wantEnv: "", maxSize: 50, minSize: 20, shards: 16, maxSrc: "settings.toml:6", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
		{name: "variables beat the environment table", flag: "production", vars: map[string]string{"DB_POOL_MAX_SIZE": "300"}, wantEnv: "production", maxSize: 300, minSize: 40, shards: 32, maxSrc: "env DB_POOL_MAX_SIZE", ttl: 120 * time.Second, ttlSource: "settings.toml:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "settings.toml", envSettings)
			c := mustLoad(t, config.LoadOptions{WorkDir: dir, Env: tt.flag, LookupEnv: env(tt.vars)})
			if c.Env != tt.wantEnv {
				t.Errorf("Env = %q, want %q", c.Env, tt.wantEnv)
			}
			if c.Pools.DB.MaxSize != tt.maxSize || c.Pools.DB.MinSize != tt.minSize || c.Cache.Shards != tt.shards {
				t.Errorf("db max/min = %d/%d shards %d, want %d/%d shards %d",
					c.Pools.DB.MaxSize, c.Pools.DB.MinSize, c.Cache.Shards, tt.maxSize, tt.minSize, tt.shards)
			}
			src := c.Sources["CONNECTION_POOL.DB_POOL_MAX_SIZE"]
			if got := strings.TrimPrefix(src.String(), "file "); got != tt.maxSrc {
				t.Errorf("max source = %q, want %q", got, tt.maxSrc)
			}
			if c.Cache.TTL != tt.ttl || c.Sources["ASYNC_CACHE.TTL_SECONDS"].Detail != tt.ttlSource {
				t.Errorf("ttl = %v from %v, want %v from %s", c.Cache.TTL, c.Sources["ASYNC_CACHE.TTL_SECONDS"], tt.ttl, tt.ttlSource)
			}
		})
	}
}

// TestDiscovery checks the order --config, RESYNC_CONFIG, ./settings.toml,
// $XDG_CONFIG_HOME/resync/settings.toml (~/.config without XDG).
func TestDiscovery(t *testing.T) {
	shards := func(n string) string { return "[default.ASYNC_CACHE]\nNUM_SHARDS = " + n + "\n" }
	tests := []struct {
		name     string
		files    map[string]string // relative to the temp dir
		flag     string
		vars     map[string]string // values may use $DIR
		wantFile string            // may use $DIR
		want     int
	}{
		{name: "nothing", want: 8},
		{name: "work dir", files: map[string]string{"work/settings.toml": shards("2")}, wantFile: "settings.toml", want: 2},
		{name: "xdg", files: map[string]string{"xdg/resync/settings.toml": shards("3")},
			vars: map[string]string{"XDG_CONFIG_HOME": "$DIR/xdg"}, wantFile: "$DIR/xdg/resync/settings.toml", want: 3},
		{name: "home without xdg", files: map[string]string{"home/.config/resync/settings.toml": shards("4")},
			vars: map[string]string{"HOME": "$DIR/home"}, wantFile: "$DIR/home/.config/resync/settings.toml", want: 4},
		{name: "work dir beats xdg", files: map[string]string{"work/settings.toml": shards("2"), "xdg/resync/settings.toml": shards("3")},
			vars: map[string]string{"XDG_CONFIG_HOME": "$DIR/xdg"}, wantFile: "settings.toml", want: 2},
		{name: "RESYNC_CONFIG beats work dir", files: map[string]string{"work/settings.toml": shards("2"), "other.toml": shards("5")},
			vars: map[string]string{"RESYNC_CONFIG": "$DIR/other.toml"}, wantFile: "$DIR/other.toml", want: 5},
		{name: "--config beats RESYNC_CONFIG", files: map[string]string{"other.toml": shards("5"), "work/flag.toml": shards("6")},
			flag: "flag.toml", vars: map[string]string{"RESYNC_CONFIG": "$DIR/other.toml"}, wantFile: "flag.toml", want: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			work := filepath.Join(dir, "work")
			if err := os.MkdirAll(work, 0o755); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{}
			for k, v := range tt.vars {
				vars[k] = strings.ReplaceAll(v, "$DIR", dir)
			}
			c := mustLoad(t, config.LoadOptions{WorkDir: work, File: tt.flag, LookupEnv: env(vars)})
			if want := strings.ReplaceAll(tt.wantFile, "$DIR", dir); c.File != want {
				t.Errorf("File = %q, want %q", c.File, want)
			}
			if c.Cache.Shards != tt.want {
				t.Errorf("NUM_SHARDS = %d, want %d", c.Cache.Shards, tt.want)
			}
		})
	}
}

// TestFileForms: dotted keys, inline tables and quoted keys are read and
// located like the plain layout.
func TestFileForms(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "settings.toml", `# comment
[default]
ASYNC_CACHE.NUM_SHARDS = 12
WORKLOAD = { CONCURRENCY = 7, "KEYS" = 99 }

[default.CONNECTION_POOL]
"DB_POOL_MAX_SIZE" = 1_000
`)
	c := mustLoad(t, config.LoadOptions{WorkDir: dir, LookupEnv: env(nil)})
	checks := []struct {
		key  string
		got  int
		want int
		line string
	}{
		{"ASYNC_CACHE.NUM_SHARDS", c.Cache.Shards, 12, "settings.toml:3"},
		{"WORKLOAD.CONCURRENCY", c.Workload.Concurrency, 7, "settings.toml:4"},
		{"WORKLOAD.KEYS", c.Workload.Keys, 99, "settings.toml:4"},
		{"CONNECTION_POOL.DB_POOL_MAX_SIZE", c.Pools.DB.MaxSize, 1000, "settings.toml:7"},
	}
	for _, ch := range checks {
		if ch.got != ch.want || c.Sources[ch.key].Detail != ch.line {
			t.Errorf("%s = %d from %v, want %d from %s", ch.key, ch.got, c.Sources[ch.key], ch.want, ch.line)
		}
	}
}

// TestEmptyVariablesAreIgnored: an empty or blank variable does not
// override the file.
func TestEmptyVariablesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "settings.toml", "[default.TARGETS]\nREDIS_URL = \"redis://file\"\n")
	c := mustLoad(t, config.LoadOptions{WorkDir: dir, LookupEnv: env(map[string]string{"RESYNC_REDIS_URL": "", "REDIS_URL": "  "})})
	if c.Targets.RedisURL != "redis://file" {
		t.Errorf("RedisURL = %q, want the file's", c.Targets.RedisURL)
	}
}
