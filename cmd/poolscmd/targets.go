package poolscmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/internal/embedded"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
	"github.com/resync-dev/resync/pkg/workload"
	"github.com/resync-dev/resync/pkg/workload/script"
)

// noTargets is the usage error when the targets selected leave nothing to
// measure.
const noTargets = "no targets: pass --db URL (repeatable), --redis URL or --http URL (repeatable), " +
	"or set DATABASE_URL, REDIS_URL, RESYNC_HTTP_URL or the [default.TARGETS] table of settings.toml"

// withEmbedded starts resync's embedded targets (internal/embedded: SQLite,
// an in-process Redis, loopback HTTP) when cfg configures none, as "resync
// report" does, and puts them in cfg's TARGETS. It says so on stderr
// unless quiet. stop removes them again; it is a no-op, and embedded
// false, when cfg had targets.
func withEmbedded(ctx context.Context, io *cmdutil.IOStreams, cfg *config.Config) (stop func(), started bool, err error) {
	if !cfg.Targets.Empty() {
		return func() {}, false, nil
	}
	t, err := embedded.Start(ctx)
	if err != nil {
		return nil, false, err
	}
	cfg.Targets = config.TargetsConfig{DatabaseURLs: []string{t.DatabaseURL}, RedisURL: t.RedisURL, HTTPURLs: []string{t.HTTPURL}}
	if !io.Quiet {
		fmt.Fprintln(io.ErrOut, "resync: "+embedded.Notice)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		_ = t.Close(ctx)
	}, true, nil
}

// poolTarget is one pool to measure: a target and the CONNECTION_POOL
// settings of its kind. It prints like its target, URL redacted.
type poolTarget struct {
	target.Target
	Pool config.PoolConfig
}

// opFlags is the operation each kind runs.
type opFlags struct {
	Query        string
	RedisCommand string
	HTTPMethod   string
	HTTPPath     string
	Scripts      []string // --script FILE[@WEIGHT]

	scripts []*script.Script // parsed by validate
	weights []int
	seed    uint64

	fs *pflag.FlagSet // to tell an explicitly empty --query from none
}

func (o *opFlags) register(fl *pflag.FlagSet) {
	o.fs = fl
	fl.StringVar(&o.Query, "query", "", `SQL each database operation runs (default "SELECT 1")`)
	fl.StringArrayVar(&o.Scripts, "script", nil, "SQL script FILE[@WEIGHT] each database operation runs instead of --query, pgbench-style (\\set, :name as bind parameters; repeatable: a weighted mix; see docs/workloads.md)")
	fl.StringVar(&o.RedisCommand, "redis-command", "", `Redis command each operation runs, split into words like a shell does: quote a word with blanks (default PING; e.g. "GET k", 'SET "a b" 1')`)
	fl.StringVar(&o.HTTPMethod, "http-method", "GET", "HTTP method of each operation")
	fl.StringVar(&o.HTTPPath, "http-path", "", "HTTP path of each operation, relative to the URL's host (default the URL's own path)")
}

// operation returns the pools.Operation for a kind.
func (o opFlags) operation(kind target.Kind) pools.Operation {
	switch kind {
	case target.Redis:
		// validate has rejected a command that does not split.
		words, _ := splitWords(o.RedisCommand)
		return pools.Operation{Command: words}
	case target.HTTP:
		return pools.Operation{Method: strings.ToUpper(o.HTTPMethod), Path: o.HTTPPath}
	default:
		return pools.Operation{Query: o.Query}
	}
}

func (o *opFlags) validate() error {
	set := func(name string) bool { return o.fs != nil && o.fs.Changed(name) }
	if len(o.Scripts) > 0 {
		if set("query") {
			return cmdutil.Usagef("--query and --script both give the database operation: keep one")
		}
		var err error
		if o.scripts, o.weights, err = loadScripts(o.Scripts); err != nil {
			return err
		}
	}
	if set("query") && strings.TrimSpace(o.Query) == "" {
		return cmdutil.Usagef(`--query is empty: give the SQL each operation runs, or leave the flag out for "SELECT 1"`)
	}
	if set("redis-command") && strings.TrimSpace(o.RedisCommand) == "" {
		return cmdutil.Usagef(`--redis-command is empty: give a command such as "GET k", or leave the flag out for PING`)
	}
	if words, err := splitWords(o.RedisCommand); err != nil {
		return cmdutil.Usagef("--redis-command %q: %v", o.RedisCommand, err)
	} else if set("redis-command") && (len(words) == 0 || words[0] == "") {
		return cmdutil.Usagef(`--redis-command %q names no command: give a command such as "GET k", or leave the flag out for PING`, o.RedisCommand)
	}
	if o.HTTPPath != "" && !strings.HasPrefix(o.HTTPPath, "/") {
		return cmdutil.Usagef("--http-path %q must start with /", o.HTTPPath)
	}
	if strings.TrimSpace(o.HTTPMethod) == "" {
		return cmdutil.Usagef("--http-method must not be empty: use GET, HEAD, POST, …")
	}
	return nil
}

// targetFlags are the --db, --redis and --http of pools stats and pools
// recommend.
var targetFlags = cmdutil.TargetFlags{
	DB:    "database URL: postgres://, mysql://, sqlite://PATH (repeatable; default TARGETS.DATABASE_URLS)",
	Redis: "Redis URL: redis:// or rediss:// (default TARGETS.REDIS_URL)",
	HTTP:  "HTTP(S) URL (repeatable; default TARGETS.HTTP_URLS)",
}

// targetsFrom lists the configured targets (target.FromURLs names them:
// "database", "database2", "redis", "http", "http2", …), each with the pool
// settings of its kind. A URL of the wrong kind for its flag or key is a
// usage error.
func targetsFrom(cfg *config.Config) ([]poolTarget, error) {
	ts, err := cmdutil.Targets(cfg.Targets.DatabaseURLs, cfg.Targets.RedisURL, cfg.Targets.HTTPURLs)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, cmdutil.Usagef("%s", noTargets)
	}
	out := make([]poolTarget, len(ts))
	for i, t := range ts {
		out[i] = poolTarget{Target: t, Pool: cfg.Pools.For(t.Kind)}
	}
	return out, nil
}

// openPools opens one pool per target through the session layer
// (diag.OpenPools), each with its kind's CONNECTION_POOL settings (size,
// when positive, overrides min and max), --timeout as the operation bound
// and the operation the flags give its kind.
func openPools(ts []poolTarget, op opFlags, size int, opTimeout time.Duration) (*diag.Pools, error) {
	if len(op.scripts) > 0 {
		for _, t := range ts {
			if !t.Kind.Database() {
				return nil, cmdutil.Usagef("--script runs SQL, but %s (%s) is a %s target: give --script only with --db targets", t.Name, t.Redacted(), t.Kind)
			}
		}
	}
	settings := make(map[string]config.PoolConfig, len(ts))
	list := make([]target.Target, len(ts))
	for i, t := range ts {
		list[i], settings[t.Name] = t.Target, t.Pool
	}
	p, err := diag.OpenPools(list, func(t target.Target) pools.Options {
		o := settings[t.Name].Options()
		if size > 0 {
			o.MinSize, o.MaxSize = size, size
		}
		o.OperationTimeout = opTimeout
		return o
	}, func(t target.Target) pools.Operation { return op.operation(t.Kind) })
	if err != nil {
		return nil, cmdutil.Usagef("%v", err)
	}
	return p, nil
}

// openRunner is openPools of one target: the pool a sweep step measures.
func openRunner(t poolTarget, op opFlags, size int, opTimeout time.Duration) (pools.Runner, error) {
	p, err := openPools([]poolTarget{t}, op, size, opTimeout)
	if err != nil {
		return nil, err
	}
	return op.bind(p.Runners()[0]), nil
}

// bind returns r with Do running the --script mix, or r itself without
// scripts. openPools has checked that every target runs SQL.
func (o opFlags) bind(r pools.Runner) pools.Runner {
	if len(o.scripts) == 0 {
		return r
	}
	sr, err := bindScripts(r, o.scripts, o.weights, o.seed)
	if err != nil {
		panic(err) // openPools refused the targets that run no SQL
	}
	return sr
}

// probeAll pings every pool at once, each bounded by its connect timeout,
// and returns one error per target (nil when it answered): what happened
// (pools.Unreachable: refused, timed out after X, authentication failed
// for user U, …) with the driver's message once, redacted.
func probeAll(ctx context.Context, ts []poolTarget, p *diag.Pools) []error {
	timeouts := make(map[string]time.Duration, len(ts))
	for _, t := range ts {
		timeouts[t.Name] = t.Pool.ConnectTimeout
	}
	return p.Ping(ctx, func(t target.Target) time.Duration { return timeouts[t.Name] })
}

// reportUnreachable prints, unless quiet, that t did not answer the probe
// and that the other targets (when there are any) still run.
func reportUnreachable(io *cmdutil.IOStreams, t poolTarget, err error, total int) {
	if io.Quiet {
		return
	}
	line := fmt.Sprintf("resync: %s (%s) is unreachable: %v", t.Name, t.Redacted(), err)
	if total > 1 {
		line += "; the other targets still run"
	}
	fmt.Fprintln(io.ErrOut, line)
}

// closePools closes the pools within closeTimeout, or at once when abort
// is closed (a second Ctrl-C).
func closePools(p *diag.Pools, abort <-chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	go func() {
		select {
		case <-abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = p.Close(ctx)
}

// closeTimeout bounds closing the pools at the end of a command.
const closeTimeout = 10 * time.Second

// failFastOf is the *workload.FailFastError for the workload named name in
// RunAll's joined error, redacted, or nil.
func failFastOf(err error, name string) error {
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var ff *workload.FailFastError
		if errors.As(e, &ff) && ff.Name == name {
			return fmt.Errorf("%s: the first %d operations all failed with the same error, so it was stopped: %s",
				name, ff.Ops, redact.Text(ff.Err.Error()))
		}
	}
	return nil
}

// failedAtStart is the error of a run in which some targets were
// unreachable or failed fast.
func failedAtStart(total int, unreachable, failed []string) string {
	var parts []string
	if len(unreachable) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d targets unreachable: %s", len(unreachable), total, strings.Join(unreachable, ", ")))
	}
	if len(failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d targets failed every operation: %s", len(failed), total, strings.Join(failed, ", ")))
	}
	return strings.Join(parts, "; ")
}
