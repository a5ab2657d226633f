package poolscmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
)

// noTargets is the usage error when nothing is configured: resync's
// embedded default targets belong to "resync report", not to pools.
const noTargets = "no targets: pass --db URL (repeatable), --redis URL or --http URL (repeatable), " +
	"or set DATABASE_URL, REDIS_URL, RESYNC_HTTP_URL or the [default.TARGETS] table of settings.toml"

// targetBindings map the target flags to their configuration keys.
var targetBindings = map[string]string{
	"db":    "TARGETS.DATABASE_URLS",
	"redis": "TARGETS.REDIS_URL",
	"http":  "TARGETS.HTTP_URLS",
}

// target is one pool to measure. URL is raw: print it only through
// redact.URL (Runner.Target() is already redacted).
type target struct {
	Name, Kind, URL string
	Pool            config.PoolConfig
}

// Redacted is the target's URL with secrets hidden.
func (t target) Redacted() string { return redact.URL(t.URL) }

// opFlags is the operation each kind runs.
type opFlags struct {
	Query        string
	RedisCommand string
	HTTPMethod   string
	HTTPPath     string
}

func (o *opFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&o.Query, "query", "", `SQL each database operation runs (default "SELECT 1")`)
	fl.StringVar(&o.RedisCommand, "redis-command", "", `Redis command each operation runs, words separated by spaces (default PING; e.g. "GET k")`)
	fl.StringVar(&o.HTTPMethod, "http-method", "GET", "HTTP method of each operation")
	fl.StringVar(&o.HTTPPath, "http-path", "", "HTTP path of each operation, relative to the URL's host (default the URL's own path)")
}

// operation returns the pools.Operation for a kind.
func (o opFlags) operation(kind string) pools.Operation {
	switch kind {
	case pools.KindRedis:
		return pools.Operation{Command: strings.Fields(o.RedisCommand)}
	case pools.KindHTTP:
		return pools.Operation{Method: strings.ToUpper(o.HTTPMethod), Path: o.HTTPPath}
	default:
		return pools.Operation{Query: o.Query}
	}
}

func (o opFlags) validate() error {
	if o.HTTPPath != "" && !strings.HasPrefix(o.HTTPPath, "/") {
		return cmdutil.Usagef("--http-path %q must start with /", o.HTTPPath)
	}
	if strings.TrimSpace(o.HTTPMethod) == "" {
		return cmdutil.Usagef("--http-method must not be empty: use GET, HEAD, POST, …")
	}
	return nil
}

// targetFlags declares --db, --redis and --http.
func targetFlags(fl *pflag.FlagSet) {
	var db, http []string
	var redis string
	fl.StringArrayVar(&db, "db", nil, "database URL: postgres://, mysql://, sqlite://PATH (repeatable; default TARGETS.DATABASE_URLS)")
	fl.StringVar(&redis, "redis", "", "Redis URL: redis:// or rediss:// (default TARGETS.REDIS_URL)")
	fl.StringArrayVar(&http, "http", nil, "HTTP(S) URL (repeatable; default TARGETS.HTTP_URLS)")
}

// targetsFrom lists the configured targets, named as the pool manager names
// them ("database", "database2", "redis", "http", "http2", …). A URL of the
// wrong kind for its flag or key is a usage error.
func targetsFrom(cfg *config.Config) ([]target, error) {
	var out []target
	add := func(name, key, flag, raw string, pc config.PoolConfig, kinds ...string) error {
		kind, err := pools.KindOf(raw)
		if err != nil {
			return cmdutil.Usagef("%s / %s: %v", flag, key, err)
		}
		ok := false
		for _, k := range kinds {
			ok = ok || k == kind
		}
		if !ok {
			return cmdutil.Usagef("%s / %s: %s is a %s URL: pass it with %s", flag, key, redact.URL(raw), kind, flagFor(kind))
		}
		out = append(out, target{Name: name, Kind: kind, URL: raw, Pool: pc})
		return nil
	}
	for i, u := range cfg.Targets.DatabaseURLs {
		if err := add(numbered("database", i), "TARGETS.DATABASE_URLS", "--db", u, cfg.Pools.DB,
			pools.KindPostgres, pools.KindMySQL, pools.KindSQLite); err != nil {
			return nil, err
		}
	}
	if u := cfg.Targets.RedisURL; u != "" {
		if err := add("redis", "TARGETS.REDIS_URL", "--redis", u, cfg.Pools.Redis, pools.KindRedis); err != nil {
			return nil, err
		}
	}
	for i, u := range cfg.Targets.HTTPURLs {
		if err := add(numbered("http", i), "TARGETS.HTTP_URLS", "--http", u, cfg.Pools.HTTP, pools.KindHTTP); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, cmdutil.Usagef("%s", noTargets)
	}
	return out, nil
}

func flagFor(kind string) string {
	switch kind {
	case pools.KindRedis:
		return "--redis"
	case pools.KindHTTP:
		return "--http"
	default:
		return "--db"
	}
}

// numbered is base for the first target and base2, base3, … after it, as
// pools.FromConfig names them.
func numbered(base string, i int) string {
	if i == 0 {
		return base
	}
	return base + strconv.Itoa(i+1)
}

// openRunner opens t's pool with its CONNECTION_POOL settings (size
// overrides min and max when positive) and the operation for its kind.
func openRunner(t target, op opFlags, size int, opTimeout time.Duration) (pools.Runner, error) {
	o := pools.OptionsFrom(t.Pool)
	if size > 0 {
		o.MinSize, o.MaxSize = size, size
	}
	o.OperationTimeout = opTimeout
	r, err := pools.Open(t.Name, t.URL, o, op.operation(t.Kind))
	if err != nil {
		return nil, cmdutil.Usagef("%v", err)
	}
	return r, nil
}

// probeAll pings every runner at once, each bounded by its connect timeout,
// and returns one error per runner (nil when it answered). Errors name the
// target, redacted.
func probeAll(ctx context.Context, ts []target, rs []pools.Runner) []error {
	errs := make([]error, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() {
			pctx, cancel := context.WithTimeout(ctx, ts[i].Pool.ConnectTimeout)
			defer cancel()
			if err := r.Ping(pctx); err != nil {
				errs[i] = fmt.Errorf("%s (%s) is unreachable within its connect timeout %v: %s",
					ts[i].Name, ts[i].Redacted(), ts[i].Pool.ConnectTimeout, redact.Text(err.Error()))
			}
		})
	}
	wg.Wait()
	return errs
}

// closeAll closes runners concurrently within closeTimeout, or at once when
// abort is closed (a second Ctrl-C).
func closeAll(rs []pools.Runner, abort <-chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	go func() {
		select {
		case <-abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	var wg sync.WaitGroup
	for _, r := range rs {
		if r != nil {
			wg.Go(func() { _ = r.Close(ctx) })
		}
	}
	wg.Wait()
}

// closeTimeout bounds closing the pools at the end of a command.
const closeTimeout = 10 * time.Second
