package config_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

// planted is a password that must never appear in any message.
const planted = "hunter2PLANTED"

// TestBadInput loads each bad input and checks the error: exit code 2,
// one problem per mistake, and a message naming the key, the value (URLs
// redacted), where it came from and the fix.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		file  string // settings.toml in the work dir ("" = none)
		vars  map[string]string
		flags []config.FlagValue
		opt   func(*config.LoadOptions)
		want  []string // substrings of the one problem's message
	}{
		{name: "unknown key with a close match",
			file: "[default.ASYNC_CACHE]\nTTL_SECOND = 5\n",
			want: []string{"settings.toml:2: ", "unknown key TTL_SECOND in [default.ASYNC_CACHE]", "did you mean TTL_SECONDS?"}},
		{name: "unknown key in lower case",
			file: "[default.CONNECTION_POOL]\ndb_pool_max_size = 5\n",
			want: []string{"settings.toml:2: ", "unknown key db_pool_max_size", "keys are upper case, write DB_POOL_MAX_SIZE"}},
		{name: "key in the wrong table",
			file: "[default.ASYNC_CACHE]\nDB_POOL_MAX_SIZE = 5\n",
			want: []string{"settings.toml:2: ", "DB_POOL_MAX_SIZE belongs in [default.CONNECTION_POOL]"}},
		{name: "environment variable used as key",
			file: "[default.ASYNC_CACHE]\nASYNC_CACHE_TTL = 5\n",
			want: []string{"settings.toml:2: ", "ASYNC_CACHE_TTL is the environment variable; in the file the key is TTL_SECONDS"}},
		{name: "ambiguous unknown key",
			file: "[default.CONNECTION_POOL]\nMAX_SIZE = 5\n",
			want: []string{"did you mean DB_POOL_MAX_SIZE, REDIS_POOL_MAX_SIZE or HTTP_POOL_MAX_SIZE?"}},
		{name: "unknown key far from all",
			file: "[default.WORKLOAD]\n\n\nBANANA = 1\n",
			want: []string{"settings.toml:4: unknown key BANANA in [default.WORKLOAD]", "docs/configuration.md"}},
		{name: "unknown table",
			file: "[default.CONECTION_POOL]\nDB_POOL_MAX_SIZE = 5\n",
			want: []string{"settings.toml:1: ", "unknown table [default.CONECTION_POOL]", "did you mean [default.CONNECTION_POOL]?"}},
		{name: "section without environment",
			file: "[ASYNC_CACHE]\nTTL_SECONDS = 5\n",
			want: []string{"settings.toml:1: ", "[ASYNC_CACHE] is read as an environment", "write [default.ASYNC_CACHE]"}},
		{name: "key outside any table",
			file: "NUM_SHARDS = 5\n",
			want: []string{"settings.toml:1: ", "NUM_SHARDS is outside any environment table", "[default.ASYNC_CACHE]"}},
		{name: "key straight in the environment",
			file: "[production]\nDB_POOL_MAX_SIZE = 5\n",
			want: []string{"settings.toml:2: ", "move it under [production.CONNECTION_POOL]"}},
		{name: "table written as a value",
			file: "[default]\nWORKLOAD = 5\n",
			want: []string{"settings.toml:2: ", "default.WORKLOAD must be a table"}},
		{name: "wrong type: quoted integer",
			file: "[default.ASYNC_CACHE]\nNUM_SHARDS = \"8\"\n",
			want: []string{"settings.toml:2: ASYNC_CACHE.NUM_SHARDS = \"8\": expected an integer, got a string: write it as NUM_SHARDS = 8"}},
		{name: "wrong type: fractional integer",
			file: "[default.WORKLOAD]\nKEYS = 10.5\n",
			want: []string{"settings.toml:2: WORKLOAD.KEYS = 10.5: expected a whole number"}},
		{name: "wrong type: boolean seconds",
			file: "[default.CONNECTION_POOL]\nDB_POOL_IDLE_TIMEOUT = true\n",
			want: []string{"CONNECTION_POOL.DB_POOL_IDLE_TIMEOUT = true: expected a number of seconds, got a boolean"}},
		{name: "wrong type: URL list element",
			file: "[default.TARGETS]\nDATABASE_URLS = [\"postgres://a:" + planted + "@db/x\", 5]\n",
			want: []string{"settings.toml:2: TARGETS.DATABASE_URLS = [\"postgres://a:***@db/x\", 5]: element 2 is an integer"}},
		{name: "not a finite number",
			file: "[default.WORKLOAD]\nRATE = inf\n",
			want: []string{"WORKLOAD.RATE = +Inf: +Inf is not a finite number"}},
		{name: "rate above the limit",
			file: "[default.WORKLOAD]\nRATE = 1e12\n",
			want: []string{"WORKLOAD.RATE = 1000000000000", "above the limit of 1e+06 per second per target"}},
		{name: "concurrency above the limit",
			file: "[default.WORKLOAD]\nCONCURRENCY = 1000000\n",
			want: []string{"WORKLOAD.CONCURRENCY = 1000000", "above the limit of 10000 per target"}},
		{name: "DATABASE_URLS as a string",
			file: "[default.TARGETS]\nDATABASE_URLS = \"postgres://a@db/x\"\n",
			want: []string{"settings.toml:2: TARGETS.DATABASE_URLS", "expected a list of URLs, got a string", `DATABASE_URLS = ["postgres://a@db/x"]`}},
		{name: "HTTP_URLS as a string",
			file: "[default.TARGETS]\nHTTP_URLS = \"http://h/a,http://h/b\"\n",
			want: []string{"settings.toml:2: TARGETS.HTTP_URLS", "a list"}},
		{name: "seconds out of range",
			file: "[default.ASYNC_CACHE]\nTTL_SECONDS = 1e300\n",
			want: []string{"ASYNC_CACHE.TTL_SECONDS = 1e+300", "out of range"}},
		{name: "negative size",
			file: "[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = -5\nDB_POOL_MIN_SIZE = 0\n",
			want: []string{"settings.toml:2: CONNECTION_POOL.DB_POOL_MAX_SIZE = -5: must be at least 1"}},
		{name: "negative minimum",
			file: "[default.CONNECTION_POOL]\nREDIS_POOL_MIN_SIZE = -1\n",
			want: []string{"settings.toml:2: CONNECTION_POOL.REDIS_POOL_MIN_SIZE = -1: must not be negative"}},
		{name: "zero size",
			file: "[default.ASYNC_CACHE]\nMAX_ITEMS = 0\n",
			want: []string{"settings.toml:2: ASYNC_CACHE.MAX_ITEMS = 0: must be at least 1"}},
		{name: "zero shards",
			file: "[default.ASYNC_CACHE]\nNUM_SHARDS = 0\n",
			want: []string{"ASYNC_CACHE.NUM_SHARDS = 0: must be at least 1 (the cache needs at least one shard)"}},
		{name: "zero workers from env",
			vars: map[string]string{"ASYNC_CACHE_MAX_WORKERS": "0"},
			want: []string{"env ASYNC_CACHE_MAX_WORKERS: ASYNC_CACHE.MAX_WORKERS = 0: must be at least 1"}},
		{name: "zero concurrency from flag",
			flags: []config.FlagValue{{Key: "WORKLOAD.CONCURRENCY", Flag: "--concurrency", Value: "0"}},
			want:  []string{"flag --concurrency: WORKLOAD.CONCURRENCY = 0: must be at least 1 (at least one worker is needed)"}},
		{name: "min above max in the file",
			file: "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 200\nDB_POOL_MAX_SIZE = 100\n",
			want: []string{"settings.toml:2: CONNECTION_POOL.DB_POOL_MIN_SIZE = 200: is greater than DB_POOL_MAX_SIZE = 100 (file settings.toml:3)", "lower the minimum"}},
		{name: "max below the default min",
			vars: map[string]string{"REDIS_POOL_MAX_SIZE": "2"},
			want: []string{"env REDIS_POOL_MAX_SIZE: CONNECTION_POOL.REDIS_POOL_MAX_SIZE = 2: is below REDIS_POOL_MIN_SIZE = 5 (default)", "raise the maximum"}},
		{name: "negative duration",
			file: "[default.ASYNC_CACHE]\nTTL_SECONDS = -1\n",
			want: []string{"settings.toml:2: ASYNC_CACHE.TTL_SECONDS = -1: must not be negative"}},
		{name: "negative timeout from env",
			vars: map[string]string{"HTTP_POOL_IDLE_TIMEOUT": "-30s"},
			want: []string{"env HTTP_POOL_IDLE_TIMEOUT: CONNECTION_POOL.HTTP_POOL_IDLE_TIMEOUT = -30: must not be negative: use 0 to turn it off"}},
		{name: "zero connect timeout",
			file: "[default.CONNECTION_POOL]\nDB_POOL_CONNECT_TIMEOUT = 0\n",
			want: []string{"CONNECTION_POOL.DB_POOL_CONNECT_TIMEOUT = 0: must be greater than zero"}},
		{name: "zero workload duration from flag",
			flags: []config.FlagValue{{Key: "WORKLOAD.DURATION", Flag: "--duration", Value: "0s"}},
			want:  []string{"flag --duration: WORKLOAD.DURATION = \"0s\": must be greater than zero"}},
		{name: "bad integer from env",
			vars: map[string]string{"DB_POOL_MAX_SIZE": "lots"},
			want: []string{"env DB_POOL_MAX_SIZE: CONNECTION_POOL.DB_POOL_MAX_SIZE = \"lots\": not a whole number"}},
		{name: "bad duration from flag",
			flags: []config.FlagValue{{Key: "WORKLOAD.DURATION", Flag: "--duration", Value: "forever"}},
			want:  []string{"flag --duration: WORKLOAD.DURATION = \"forever\": not a duration", "30s"}},
		{name: "bad distribution",
			file: "[default.WORKLOAD]\nDISTRIBUTION = \"zipfian\"\n",
			want: []string{"WORKLOAD.DISTRIBUTION = \"zipfian\": must be one of zipf, uniform, hotset", "did you mean \"zipf\"?"}},
		{name: "malformed URL",
			file: "[default.TARGETS]\nDATABASE_URLS = [\"postgres://app:" + planted + " x@db:5432/app\"]\n",
			want: []string{"settings.toml:2: TARGETS.DATABASE_URLS = \"postgres://***@db:5432/app\": malformed URL: the user:password part"}},
		{name: "URL with a bad port",
			vars: map[string]string{"REDIS_URL": "redis://:" + planted + "@cache:port"},
			want: []string{"env REDIS_URL: TARGETS.REDIS_URL = \"redis://***@cache:port\": malformed URL: invalid port"}},
		{name: "unsupported scheme",
			vars: map[string]string{"DATABASE_URL": "mongodb://u:" + planted + "@db/app"},
			want: []string{"env DATABASE_URL: TARGETS.DATABASE_URLS = \"mongodb://u:***@db/app\": unsupported scheme \"mongodb\"", "postgres://"}},
		{name: "URL in the wrong key",
			flags: []config.FlagValue{{Key: "TARGETS.REDIS_URL", Flag: "--redis", Value: "postgres://u:" + planted + "@db/app"}},
			want:  []string{"flag --redis: TARGETS.REDIS_URL = \"postgres://u:***@db/app\": a postgres URL does not belong in REDIS_URL", "redis:// or rediss://"}},
		{name: "pgbouncer URL of an application database",
			vars: map[string]string{"RESYNC_PGBOUNCER_URL": "postgres://u:" + planted + "@pgb:6432/app"},
			want: []string{"env RESYNC_PGBOUNCER_URL: TARGETS.PGBOUNCER_URLS = \"postgres://u:***@pgb:6432/app\": database \"app\" is not pgbouncer's admin console", "postgres://USER@HOST:6432/pgbouncer"}},
		{name: "redis URL as a pgbouncer console",
			file: "[default.TARGETS]\nPGBOUNCER_URLS = [\"redis://:" + planted + "@cache\"]\n",
			want: []string{"settings.toml:2: TARGETS.PGBOUNCER_URLS = \"redis://:***@cache\": a redis URL is no pgbouncer console"}},
		{name: "URL without host",
			file: "[default.TARGETS]\nHTTP_URLS = [\"https:///health\"]\n",
			want: []string{"TARGETS.HTTP_URLS = \"https:///health\": no host"}},
		{name: "URL without scheme",
			vars: map[string]string{"RESYNC_DATABASE_URL": "localhost:5432"},
			want: []string{"TARGETS.DATABASE_URLS = \"localhost:5432\": no scheme"}},
		{name: "malformed TOML",
			file: "[default.ASYNC_CACHE]\nTTL_SECONDS = 5\nNUM_SHARDS = = 3\n",
			want: []string{"settings.toml:3:", "malformed TOML", "fix the syntax at that line"}},
		{name: "malformed TOML around a password",
			file: "[default.TARGETS]\nREDIS_URL = \"redis://:" + planted + "@cache\nDATABASE_URLS = [\"postgres://u:" + planted + "@db/app\"\n",
			want: []string{"settings.toml:2:", "malformed TOML"}},
		{name: "duplicate key",
			file: "[default.ASYNC_CACHE]\nTTL_SECONDS = 5\nTTL_SECONDS = 6\n",
			want: []string{"settings.toml:3:", "malformed TOML"}},
		{name: "missing --config file",
			opt:  func(o *config.LoadOptions) { o.File = "missing.toml" },
			want: []string{"flag --config: settings file missing.toml does not exist", "resync config init --path missing.toml"}},
		{name: "missing RESYNC_CONFIG file",
			vars: map[string]string{"RESYNC_CONFIG": "nope.toml"},
			want: []string{"env RESYNC_CONFIG: settings file nope.toml does not exist"}},
		{name: "settings file is a directory",
			opt:  func(o *config.LoadOptions) { o.File = "." },
			want: []string{"flag --config: cannot read settings file .", "give the path of a TOML file"}},
		{name: "unknown environment",
			file: "[default.WORKLOAD]\nKEYS = 5\n[production.WORKLOAD]\nKEYS = 6\n",
			opt:  func(o *config.LoadOptions) { o.Env = "prodution" },
			want: []string{"flag --env: environment \"prodution\" is not in settings.toml, which has [default], [production]", "did you mean \"production\"?"}},
		{name: "deeply nested array",
			file: "[default.WORKLOAD]\nKEYS = " + strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000) + "\n",
			want: []string{"settings.toml:2: malformed TOML: arrays or tables nested more than 32 deep"}},
		{name: "deeply nested table header",
			file: strings.Repeat("[", 100_000) + "\n",
			want: []string{"settings.toml:1: malformed TOML: arrays or tables nested more than 32 deep"}},
		{name: "long value is cut in the message",
			file: "[default.WORKLOAD]\nDISTRIBUTION = \"" + strings.Repeat("z", 200_000) + "\"\n",
			want: []string{"WORKLOAD.DISTRIBUTION = \"" + strings.Repeat("z", 119) + "…: must be one of"}},
		{name: "environment without a file",
			vars: map[string]string{"RESYNC_ENV": "staging"},
			want: []string{"env RESYNC_ENV: environment \"staging\" was selected but no settings file was found", "unset RESYNC_ENV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				writeFile(t, dir, "settings.toml", tt.file)
			}
			o := config.LoadOptions{WorkDir: dir, LookupEnv: env(tt.vars), Flags: tt.flags}
			if tt.opt != nil {
				tt.opt(&o)
			}
			c, err := config.Load(o)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", c)
			}
			if c != nil {
				t.Errorf("Load returned a config with its error")
			}
			if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
				t.Errorf("exit code %d, want 2", code)
			}
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %T is not a *config.Error", err)
			}
			if len(cerr.Problems) != 1 {
				t.Errorf("%d problems, want 1:\n%v", len(cerr.Problems), err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, planted) {
				t.Errorf("message leaks the password:\n%s", msg)
			}
		})
	}
}

// TestAllProblemsReported: every mistake is reported at once, in file
// order, then the variables, then the flags.
func TestAllProblemsReported(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "settings.toml", `[default.ASYNC_CACHE]
NUM_SHARDS = 0
TTL_SECOND = 5

[default.CONNECTION_POOL]
DB_POOL_MIN_SIZE = 200

[default.TARGETS]
REDIS_URL = "ftp://u:`+planted+`@x"
`)
	_, err := config.Load(config.LoadOptions{
		WorkDir:   dir,
		LookupEnv: env(map[string]string{"DB_POOL_MAX_SIZE": "abc"}),
		Flags:     []config.FlagValue{{Key: "WORKLOAD.KEYS", Flag: "--keys", Value: "-1"}},
	})
	var cerr *config.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("err = %v, want a *config.Error", err)
	}
	want := []string{
		"settings.toml:3: unknown key TTL_SECOND",
		"env DB_POOL_MAX_SIZE: CONNECTION_POOL.DB_POOL_MAX_SIZE = \"abc\"",
		"settings.toml:2: ASYNC_CACHE.NUM_SHARDS = 0",
		"settings.toml:9: TARGETS.REDIS_URL = \"ftp://u:***@x\": unsupported scheme",
		"flag --keys: WORKLOAD.KEYS = -1",
	}
	if len(cerr.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(cerr.Problems), len(want), err)
	}
	// DB_POOL_MIN_SIZE = 200 against an unreadable maximum is not judged.
	for i, w := range want {
		if !strings.HasPrefix(cerr.Problems[i].Error(), w) {
			t.Errorf("problem %d = %q, want prefix %q", i, cerr.Problems[i].Error(), w)
		}
	}
	if !strings.HasPrefix(err.Error(), "invalid configuration (5 problems):\n  ") {
		t.Errorf("message starts %q", err.Error())
	}
	if strings.Contains(err.Error(), planted) {
		t.Errorf("message leaks the password")
	}
	var p config.Problem
	if !errors.As(err, &p) || p.Key != "default.ASYNC_CACHE.TTL_SECOND" {
		t.Errorf("errors.As(Problem) = %+v", p)
	}
}

// TestValidateDirect: Validate works on a Config built in code, blaming
// the recorded source.
func TestValidateDirect(t *testing.T) {
	c := config.Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults are invalid: %v", err)
	}
	c.Pools.HTTP.MinSize, c.Pools.HTTP.MaxSize = 50, 10
	c.Sources["CONNECTION_POOL.HTTP_POOL_MAX_SIZE"] = config.Source{Kind: config.FromFlag, Detail: "--http-pool-max"}
	c.Targets.HTTPURLs = []string{"https://ok.example", "gopher://x"}
	err := c.Validate()
	if cmdutil.ExitCode(err) != 2 {
		t.Fatalf("Validate = %v, want exit code 2", err)
	}
	for _, w := range []string{
		"default: TARGETS.HTTP_URLS = \"gopher://x\": unsupported scheme",
		"flag --http-pool-max: CONNECTION_POOL.HTTP_POOL_MAX_SIZE = 10: is below HTTP_POOL_MIN_SIZE = 50 (default)",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%v", w, err)
		}
	}
}

// A file of thousands of unknown keys is one mistake: the message lists
// the first config.MaxProblemsShown and counts the rest; Problems keeps all.
func TestManyProblemsAreSummarised(t *testing.T) {
	var b strings.Builder
	b.WriteString("[default.ASYNC_CACHE]\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "K%d = 1\n", i)
	}
	tests := []struct {
		name, file string
		problems   int
		lines      int // of the message
		summary    string
	}{
		{"5,000 unknown keys", b.String(), 5000, 1 + config.MaxProblemsShown + 1, "  … and 4,980 more unknown keys"},
		{"20 unknown keys: no summary", "[default.ASYNC_CACHE]\n" + strings.Repeat("X = 1\n", 1) +
			func() string {
				var s strings.Builder
				for i := range 19 {
					fmt.Fprintf(&s, "Y%d = 1\n", i)
				}
				return s.String()
			}(), 20, 21, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "settings.toml", tt.file)
			_, err := config.Load(config.LoadOptions{WorkDir: dir, LookupEnv: env(nil)})
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %v is not a *config.Error", err)
			}
			if len(cerr.Problems) != tt.problems {
				t.Errorf("%d problems, want %d", len(cerr.Problems), tt.problems)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != tt.lines {
				t.Errorf("%d lines, want %d", len(lines), tt.lines)
			}
			last := lines[len(lines)-1]
			if tt.summary != "" && !strings.HasPrefix(last, tt.summary) {
				t.Errorf("last line %q, want %q", last, tt.summary)
			}
			if tt.summary == "" && strings.Contains(last, "more") {
				t.Errorf("summary line without a cut: %q", last)
			}
		})
	}
}
