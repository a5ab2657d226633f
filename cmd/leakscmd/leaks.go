// Package leakscmd implements "resync leaks": resources held too long on
// the live servers — sessions idle in a transaction, old connections,
// clients whose connection count keeps growing.
package leakscmd

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// Defaults of the command's flags.
const (
	DefaultMaxLifetime = time.Hour        // --max-lifetime
	DefaultInterval    = 5 * time.Second  // --interval, between --watch samples
	DefaultTimeout     = 10 * time.Second // --timeout, per target and sample
)

// targetFlags are the command's --db and --redis (no --http: web servers
// have no sessions to inspect).
var targetFlags = cmdutil.TargetFlags{
	DB:    "database URL to inspect, postgres:// or mysql:// (repeatable; default TARGETS.DATABASE_URLS)",
	Redis: "Redis URL to inspect (default TARGETS.REDIS_URL)",
}

const long = `Find resources held too long on live servers: sessions sitting in an open
transaction, connections older than --max-lifetime, and (with --watch) clients
whose connection count keeps growing. For each target it prints the potential
leaks with their evidence, then long-lived connections grouped by client, then
resync's own connections apart, the connection count against the server's
limit, and findings such as a missing privilege with the statement that fixes it.

Targets come from --db/--redis, or else from TARGETS.DATABASE_URLS and
TARGETS.REDIS_URL (DATABASE_URL, REDIS_URL, settings.toml).

RULES
  PostgreSQL (pg_stat_activity)
    leak, critical   a session "idle in transaction" (or aborted) whose state
                     changed longer than --max-lifetime ago: it holds locks and
                     blocks vacuum
    long-lived       a backend older than --max-lifetime, grouped by
                     application name, user and client address
    capacity         connections against max_connections minus
                     superuser_reserved_connections (and reserved_connections)
  MySQL/MariaDB (process list joined with information_schema.INNODB_TRX)
    leak, critical   a sleeping session holding an InnoDB transaction open
                     longer than --max-lifetime
    long-lived       a session idle (Sleep) longer than --max-lifetime, grouped
                     by user and host (MySQL does not expose connection age)
    capacity         Threads_connected against max_connections
  Redis (CLIENT LIST)
    leak, warning    a client idle inside MULTI longer than --max-lifetime
    long-lived       a connection older than --max-lifetime, grouped by client
                     name and address, with its age and idle time
    capacity         connected clients against maxclients
  Any server
    An idle connection that a healthy pool keeps is not a leak: it is listed as
    long-lived. A client group is a warning when 50 or more of its connections
    have been idle longer than --max-lifetime (blocked and Pub/Sub clients
    excepted).
    --watch: samples every --interval over the window; a client whose count
    never decreases, ends higher than it started and rose in at least half of
    the intervals is a warning leak ("growing_connections"). A pool warming up
    grows too: watch again once the application is warm.
    resync's own connections (application_name / client name / program_name
    "resync") are shown apart; the inspecting connection itself is left out.
    A missing privilege (a role that cannot see other sessions, MySQL without
    PROCESS) is a finding with the GRANT that fixes it. An unreachable target
    is a finding too; the other targets are still inspected.

--fail-on-leaks exits 3 when a potential leak (warning or critical) is found or
a target could not be inspected, after printing the report.`

const examples = `  resync leaks --db postgres://app@db:5432/app
  resync leaks --max-lifetime 30m --db postgres://app@db/app --db mysql://app@db2:3306/shop --redis redis://cache:6379
  DATABASE_URL=postgres://app@db/app resync leaks --max-lifetime 3600 --fail-on-leaks -o json  # target from the environment
  resync leaks --watch 2m --interval 10s --redis redis://cache:6379  # flag clients whose connection count keeps growing`

// New returns the "leaks" command.
func New(f *cmdutil.Factory) *cobra.Command {
	return newLeaksCmd(f, nil)
}

// newLeaksCmd builds the command; runF replaces runLeaks in tests of flag
// handling.
func newLeaksCmd(f *cmdutil.Factory, runF func(context.Context, *LeaksOptions) error) *cobra.Command {
	opts := &LeaksOptions{IO: f.IO}
	maxLife := &cmdutil.DurationValue{D: &opts.MaxLifetime}
	opts.MaxLifetime = DefaultMaxLifetime
	watch := cmdutil.NewDuration(&opts.Watch, 0)
	interval := &cmdutil.DurationValue{D: &opts.Interval}
	opts.Interval = DefaultInterval
	timeout := &cmdutil.DurationValue{D: &opts.Timeout}
	opts.Timeout = DefaultTimeout

	cmd := &cobra.Command{
		Use:     "leaks [--max-lifetime 1h] [--db URL …] [--redis URL] [--watch 30s] [--fail-on-leaks]",
		Short:   "Find sessions idle in a transaction, old connections and growing clients on live servers",
		Long:    long,
		Example: examples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.Config(cmd, targetFlags.Bindings(nil))
			if err != nil {
				return err
			}
			// Named like every command's targets: database, database2, …, redis.
			targets, err := cmdutil.Targets(cfg.Targets.DatabaseURLs, cfg.Targets.RedisURL, nil)
			if err != nil {
				return err
			}
			opts.Targets = targets
			opts.Printer = f.Printer()
			opts.Now = f.Now
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLeaks(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.Var(maxLife, "max-lifetime", "threshold: transactions idle longer are leaks, connections older are long-lived (Go duration or seconds, > 0)")
	targetFlags.Register(fl)
	fl.Var(watch, "watch", "sample for this long and flag clients whose connection count keeps growing (0: one sample)")
	fl.Var(interval, "interval", "time between samples with --watch")
	fl.Var(timeout, "timeout", "time allowed to connect to and read one target")
	fl.BoolVar(&opts.FailOnLeaks, "fail-on-leaks", false, "exit 3 when a potential leak is found or a target could not be inspected")
	return cmd
}

func (o *LeaksOptions) validate() error {
	if len(o.Targets) == 0 {
		return cmdutil.Usagef("%s", strings.Join([]string{
			"no targets to inspect: pass --db URL (repeatable) and/or --redis URL,",
			"or set TARGETS.DATABASE_URLS / TARGETS.REDIS_URL (environment DATABASE_URL, REDIS_URL, or settings.toml). For example:",
			"  resync leaks --db postgres://app@db:5432/app --redis redis://cache:6379",
		}, "\n"))
	}
	if o.MaxLifetime <= 0 {
		return cmdutil.Usagef("--max-lifetime must be greater than zero, e.g. --max-lifetime 1h or --max-lifetime 3600")
	}
	if o.Interval <= 0 {
		return cmdutil.Usagef("--interval must be greater than zero, e.g. --interval 5s")
	}
	if o.Timeout <= 0 {
		return cmdutil.Usagef("--timeout must be greater than zero, e.g. --timeout 10s")
	}
	if o.Watch > 0 && o.Watch/o.Interval < inspect.MinGrowthSamples-1 {
		return cmdutil.Usagef("--watch %s with --interval %s gives fewer than %d samples: lengthen --watch or shorten --interval",
			o.Watch, o.Interval, inspect.MinGrowthSamples)
	}
	return nil
}
