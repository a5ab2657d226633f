// Package servecmd implements "resync serve": a long-running monitor that
// keeps the pools open against the targets, probes them lightly, rebuilds
// the report every interval and serves it over the /api/performance HTTP API
// and Prometheus /metrics (pkg/server).
package servecmd

import (
	"context"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/server"
)

// Defaults of serve's flags.
const (
	// DefaultInterval is how often the report is rebuilt.
	DefaultInterval = 10 * time.Second
	// MinInterval keeps the rebuild (snapshots and a server-side leak scan)
	// from running back to back.
	MinInterval = 100 * time.Millisecond
	// DefaultProbeRate is probe operations per second per pool: enough to
	// keep the figures live, light enough for a production target.
	DefaultProbeRate = 5
	// MaxProbeRate bounds --probe-rate; serve is a monitor, not a load test.
	MaxProbeRate = 1000
	// ShutdownBudget is the time from the signal to exit: the HTTP
	// shutdown (server.DefaultShutdownTimeout) and then closing the pools.
	ShutdownBudget = 5 * time.Second
	// TokenEnv is read when --token is not given.
	TokenEnv = "RESYNC_API_TOKEN"
)

// ServeOptions are the inputs of "resync serve".
type ServeOptions struct {
	IO          *cmdutil.IOStreams
	Addr        string
	Interval    time.Duration
	ProbeRate   float64
	Token       string // never printed
	MaxLifetime time.Duration

	// Load returns the effective configuration (targets included); it is
	// called again, a fresh load each time, when the settings file changes.
	Load func() (*config.Config, error)
	// SettingsFile is the settings file to watch ("" for none): a valid
	// edit applies at the next interval, a bad one is logged and ignored.
	SettingsFile string
	// Open starts a monitoring session on the configuration's targets.
	Open func(ctx context.Context, cfg *config.Config) (Session, error)
	// Listen opens the listener; net.Listen in production.
	Listen func(network, addr string) (net.Listener, error)
	// Window is the sliding window of the rates and health; zero means
	// HealthWindow (tests shorten it).
	Window time.Duration
}

func (o *ServeOptions) window() time.Duration {
	if o.Window > 0 {
		return o.Window
	}
	return HealthWindow
}

// targetFlags are the command's --db, --redis and --http.
var targetFlags = cmdutil.TargetFlags{
	DB:             "database URL (postgres://, mysql://, sqlite://); repeat or comma-separate (TARGETS.DATABASE_URLS)",
	Redis:          "Redis URL, redis:// or rediss:// (TARGETS.REDIS_URL)",
	HTTP:           "HTTP(S) URL to probe; repeat or comma-separate (TARGETS.HTTP_URLS)",
	CommaSeparated: true,
}

// New returns the "serve" command.
func New(f *cmdutil.Factory) *cobra.Command { return newServeCmd(f, nil) }

// newServeCmd parses and checks the flags into ServeOptions; runF replaces
// runServe in tests of flag handling.
func newServeCmd(f *cmdutil.Factory, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Monitor the targets and serve the report over HTTP and Prometheus /metrics",
		Long: `Keep the connection pools open against the targets (or the embedded ones),
probe each pool lightly (--probe-rate operations per second through the cache),
rebuild the report every --interval and serve it until SIGINT or SIGTERM:

  GET /api/performance/report                  the whole report (report JSON, schema_version 1)
  GET /api/performance/health                  {"status", "reasons"}: 200 healthy or degraded, 503 critical
  GET /api/performance/cache/metrics           {cache: metrics}
  GET /api/performance/cache/recommendations   {cache: [recommendation]}
  GET /api/performance/pools/metrics           {pool: metrics}
  GET /api/performance/pools/recommendations   {pool: [recommendation]}
  GET /api/performance/resources/stats         {active_count, by_kind}
  GET /api/performance/resources/leaks?max_lifetime_seconds=3600
                                               a fresh leak scan with that threshold
                                               (default --max-lifetime): potential_leaks,
                                               inspected_targets, and not_inspected
                                               [{name, kind, url, reason}] for servers
                                               it could not inspect (leaks unknown)
  GET /metrics                                 Prometheus exposition (resync_pool_*,
                                               resync_cache_*, resync_resources_*, …)

The API is read-only: GET and HEAD only, no request bodies; errors are JSON
({"error": …, "parameter": …}). It listens on 127.0.0.1:8080 (loopback) by
default. With a token (--token, or better $RESYNC_API_TOKEN, which does not
show in the process list) every path but /api/performance/health needs the
header "Authorization: Bearer <token>". On SIGINT or SIGTERM serve stops
accepting, lets requests in flight finish and closes the pools, within 5s.

serve watches the settings file (--config, $RESYNC_CONFIG or the discovered
settings.toml). When it changes, serve reads it again (environment variables
and flags still win over it): a valid edit applies at the next --interval by
reopening the pools and the cache with the new sizes, timeouts and bounds; a
bad edit is logged with its file:line and ignored, and the previous settings
stay in effect.

Rates and health cover a sliding window of the last 30s: each pool's error
rate, throughput, score and recommendations, and so /health, count only the
operations of the last 30s, so a target that came back is healthy again
within 30s (plus one --interval). Counters (operations, errors, timeouts, in
the JSON and on /metrics) stay totals since serve started.

EXIT STATUS
  0    stopped by SIGINT or SIGTERM after a graceful shutdown
  1    runtime error (the address is in use, a target failed to open)
  2    usage or configuration error (bad flag, config key or URL)
  130  interrupted before serving started`,
		Example: `  resync serve                                   # embedded targets on 127.0.0.1:8080
  resync serve --db postgres://app@db:5432/app --redis redis://cache:6379/0
  RESYNC_API_TOKEN=$(openssl rand -hex 16) resync serve --addr 0.0.0.0:8080

  curl -s localhost:8080/api/performance/health
  curl -s localhost:8080/api/performance/report | jq .overall_health
  curl -s 'localhost:8080/api/performance/resources/leaks?max_lifetime_seconds=600'
  curl -s -H "Authorization: Bearer $RESYNC_API_TOKEN" localhost:8080/metrics`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.finish(cmd, f); err != nil {
				return err
			}
			opts.Load = func() (*config.Config, error) { return f.Config(cmd, targetFlags.Bindings(nil)) }
			opts.SettingsFile = f.SettingsFile()
			opts.Open = openDiag
			opts.Listen = net.Listen
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", server.DefaultAddr, "address to listen on, host:port (port 0 picks a free one)")
	opts.Interval = DefaultInterval
	fl.Var(&cmdutil.DurationValue{D: &opts.Interval}, "interval", "how often the report is rebuilt, e.g. 10s")
	fl.Float64Var(&opts.ProbeRate, "probe-rate", DefaultProbeRate, "probe operations per second per pool (0 disables probing)")
	fl.StringVar(&opts.Token, "token", "", "bearer token required on every path but /api/performance/health (default $"+TokenEnv+")")
	fl.Var(cmdutil.NewDuration(&opts.MaxLifetime, server.DefaultMaxLifetime), "max-lifetime", "resources alive longer than this are potential leaks, e.g. 1h")
	targetFlags.Register(fl)
	return cmd
}

// finish reads the token from the environment and validates the flags,
// before anything is printed.
func (o *ServeOptions) finish(cmd *cobra.Command, f *cmdutil.Factory) error {
	if !cmd.Flags().Changed("token") {
		if v, ok := f.Getenv(TokenEnv); ok {
			if strings.TrimSpace(v) == "" {
				return cmdutil.Usagef("$%s is set but empty: set a token or unset the variable", TokenEnv)
			}
			o.Token = v
		}
	} else if strings.TrimSpace(o.Token) == "" {
		return cmdutil.Usagef("--token is empty: give a token, or leave the flag out to serve without one")
	}
	if strings.ContainsFunc(o.Token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return cmdutil.Usagef("the token contains spaces or control characters: use letters, digits and punctuation only (e.g. openssl rand -hex 16)")
	}
	if err := validAddr(o.Addr); err != nil {
		return err
	}
	if o.Interval < MinInterval {
		return cmdutil.Usagef("--interval %v is too short: use %v or more, e.g. 10s", o.Interval, MinInterval)
	}
	if math.IsNaN(o.ProbeRate) || o.ProbeRate < 0 || o.ProbeRate > MaxProbeRate {
		return cmdutil.Usagef("--probe-rate %v is out of range: use 0 (no probes) to %d operations per second", o.ProbeRate, MaxProbeRate)
	}
	if o.MaxLifetime <= 0 {
		return cmdutil.Usagef("--max-lifetime must be greater than zero, e.g. 1h")
	}
	return nil
}

// validAddr checks --addr is host:port with a numeric port.
func validAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return cmdutil.Usagef("--addr %q is not host:port: use e.g. 127.0.0.1:8080 or :8080", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return cmdutil.Usagef("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	return nil
}

// loopback reports whether addr binds only the local machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
