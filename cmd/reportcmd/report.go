// Package reportcmd implements "resync report": the whole diagnostic.
package reportcmd

import (
	"context"
	"maps"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/threshold"
)

// Defaults of the report's own flags.
const (
	DefaultMaxLifetime = time.Hour // leak threshold, as the spec's detect_leaks(3600)
	DefaultWarmup      = 0         // the report's duration is all measured
)

// ReportOptions are the report command's inputs after flag parsing.
type ReportOptions struct {
	IO     *cmdutil.IOStreams
	Config *config.Config
	// Printer writes the report to stdout and --output-file.
	Printer *cmdutil.Printer

	Warmup      time.Duration
	Seed        uint64 // the cached workload's key sequence
	MaxLifetime time.Duration
	Thresholds  report.Thresholds     // --fail-on, --fail-under-score
	Checks      []threshold.Threshold // --threshold, evaluated on the final figures

	Now func() time.Time // the report's clock
}

// targetFlags are the command's --db, --redis, --http and --pgbouncer.
var targetFlags = cmdutil.TargetFlags{
	DB:             "database URL (postgres://, mysql://, sqlite://); repeatable; overrides TARGETS.DATABASE_URLS",
	Redis:          "Redis URL (redis://, rediss://); overrides TARGETS.REDIS_URL",
	HTTP:           "HTTP(S) URL to GET; repeatable; overrides TARGETS.HTTP_URLS",
	Pgbouncer:      "pgbouncer admin console postgres://USER@HOST:6432/pgbouncer, read with --observe; repeatable; overrides TARGETS.PGBOUNCER_URLS",
	Metrics:        "observe mode: a Prometheus endpoint (http(s)://…/metrics) whose pools and caches to read; repeatable; overrides TARGETS.METRICS_URLS",
	CommaSeparated: true,
}

// reportWorkload are the workload flags "report" takes.
const reportWorkload = cmdutil.WorkloadDuration | cmdutil.WorkloadWarmup | cmdutil.WorkloadConcurrency |
	cmdutil.WorkloadRate | cmdutil.WorkloadKeys | cmdutil.WorkloadSeed | cmdutil.WorkloadThreshold

// New returns the "report" command.
func New(f *cmdutil.Factory) *cobra.Command { return newReportCmd(f, nil) }

// newReportCmd parses and checks the flags into ReportOptions; runF
// replaces runReport in tests of flag handling.
func newReportCmd(f *cmdutil.Factory, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	o := &ReportOptions{IO: f.IO}
	failOn := cmdutil.NewEnum("none", "none", "degraded", "critical")
	wl := cmdutil.DefaultWorkloadFlags()
	wl.Warmup = DefaultWarmup
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Run the whole diagnostic: cache, pools, resources, scores and health",
		Long: `Run a workload through resync's cache and pools against the configured targets
for --duration, track every checked-out connection, inspect the servers for
leaks, then print per cache and per pool the metrics, efficiency score, rating
and recommendations, the potential leaks and the overall health.

With no target configured (no --db/--redis/--http, no TARGETS in the settings
file or environment) resync runs against embedded targets: an SQLite database
in a temporary file, an in-process Redis-protocol server and an HTTP server on
loopback, all removed on exit.

The workload: WORKLOAD.CONCURRENCY workers per pool (closed loop) or
WORKLOAD.RATE operations per second (open loop; arrivals that cannot start
before --duration ends are dropped and counted, and operations still in
flight then get at most 2 s, the drain, so the workload ends within
--duration + 2 s). Database pools sit behind
the read-through cache: keys are drawn from WORKLOAD.DISTRIBUTION over
WORKLOAD.KEYS; a hit skips the pool, a miss runs the query and fills the cache.

With --observe DURATION (WORKLOAD.OBSERVE) resync sends no workload: it
reads each target's own counters (Redis INFO, PostgreSQL pg_stat_database
and pg_stat_activity, MySQL/MariaDB SHOW GLOBAL STATUS, pgbouncer SHOW) at
the start, every --interval and at the end, and reports the deltas over the
window; every cache and pool says its source and the metrics the source
cannot give, and a score with a missing part renormalises the remaining
weights; an entry that saw no traffic in the window is rated "no traffic"
and not scored. A reading costs Redis one INFO, PostgreSQL one query,
MySQL/MariaDB two SHOW GLOBAL statements and pgbouncer SHOW POOLS and SHOW
STATS (SHOW CONFIG and SHOW DATABASES once) (docs/observe.md).
--pgbouncer URL (repeatable) is a pgbouncer admin console,
postgres://USER@HOST:6432/pgbouncer with USER in stats_users or admin_users:
each (database, user) pool is an entry, and pgbouncer's client limit
(max_client_conn) the pool "clients". Without --observe, --pgbouncer is not
read.

--metrics URL (TARGETS.METRICS_URLS, $RESYNC_METRICS_URL) adds an
application's Prometheus endpoint: every pool and cache its exporters expose
(HikariCP, database/sql's DBStats collector go_sql_*, pgxpool, go-redis,
Micrometer caches, resync's own resync_*) becomes an entry named
metrics/<label>, source prometheus; families resync does not know are
ignored (listed with -v), and a URL that answers no Prometheus text is an
unreachable target in the report. It is read in observe mode only:
--metrics without --observe is a usage error (exit 2), and from the settings
or the environment it is skipped with a warning.

--threshold 'SUBJECT.METRIC OP VALUE' (repeatable) checks the final figures,
k6-style: SUBJECT is a cache or pool name ("default", "database", "redis",
"http") or * for all, e.g. 'redis.p99<5ms', 'database.error_rate<1%',
'*.throughput>1000', 'default.hit_rate>80%'. The checks are listed in the
output (JSON "thresholds"); any that fails, or has no figure to compare
(an unknown name, an unreachable target, a metric not measured), exits 3,
as --fail-on and --fail-under-score do. Grammar and metrics:
docs/thresholds.md.

Progress goes to stderr when it is a terminal. Ctrl-C stops the workload and
prints the partial report (marked "partial"), exit 130; a second Ctrl-C exits
at once.

` + report.HelpText,
		Example: `  # the newcomer's first run: embedded targets, 10 s
  resync report

  # real targets, 30 s, JSON for a CI job that fails when health is critical
  resync report --db postgres://app:secret@db:5432/app --redis redis://cache:6379 \
      --duration 30s -o json --fail-on critical

  # keep the JSON artifact while the terminal shows the summary
  resync report --output-file report.json --fail-under-score 60

  # observe mode: the targets' own counters for 60 s, no workload
  resync report --observe 60s --interval 10s --redis redis://cache:6379 \
      --db postgres://app:secret@db:5432/app

  # observe a pgbouncer's pools (its admin console, a stats_users user)
  resync report --observe 60s --pgbouncer postgres://stats@pgbouncer:6432/pgbouncer

  # observe a service's own pools and caches from its Prometheus endpoint
  resync report --observe 30s --interval 5s --metrics http://svc:8080/metrics -o json

  # k6-style gates: exit 3 unless every pool's errors stay under 1 %
  # and Redis's p99 under 250 ms (docs/thresholds.md)
  resync report --duration 2s --threshold '*.error_rate<1%' --threshold 'redis.p99<250ms'

  # Markdown for a GitHub job summary
  resync report -o markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := wl.Check(); err != nil {
				return err
			}
			bindings := targetFlags.Bindings(map[string]string{
				"observe": "WORKLOAD.OBSERVE", "interval": "WORKLOAD.OBSERVE_INTERVAL",
			})
			maps.Copy(bindings, wl.Bindings())
			cfg, err := f.Config(cmd, bindings)
			if err != nil {
				return err
			}
			o.Config = cfg
			if o.Checks, err = wl.Thresholds(cfg.Workload.Thresholds); err != nil {
				return err
			}
			o.Warmup, o.Seed = wl.Warmup, wl.Seed
			o.Printer = f.Printer()
			o.Now = f.Now
			if failOn.String() != "none" {
				o.Thresholds.FailOn = failOn.String()
			}
			if err := o.Thresholds.Validate(); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			if o.MaxLifetime <= 0 {
				return cmdutil.Usagef("--max-lifetime must be greater than zero, e.g. 1h or 3600")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runReport(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	targetFlags.Register(fl)
	wl.Register(fl, reportWorkload)
	o.MaxLifetime = DefaultMaxLifetime
	fl.Var(&cmdutil.DurationValue{D: &o.MaxLifetime}, "max-lifetime", "a resource or session older than this is a potential leak (Go duration or seconds)")
	var observe, interval time.Duration
	fl.Var(&cmdutil.DurationValue{D: &observe, AllowZero: true}, "observe", "observe mode: read the targets' own counters for this long, send no workload; overrides WORKLOAD.OBSERVE (see docs/observe.md)")
	fl.Var(&cmdutil.DurationValue{D: &interval}, "interval", "observe mode: read the counters this often; overrides WORKLOAD.OBSERVE_INTERVAL")
	fl.Var(failOn, "fail-on", "exit 3 when the overall health is at least this bad: none, degraded or critical")
	fl.Float64Var(&o.Thresholds.FailUnderScore, "fail-under-score", 0, "exit 3 when any cache or pool efficiency score is below this (0–100)")
	return cmd
}
