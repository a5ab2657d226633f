package poolscmd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// RecommendOptions are the validated inputs of one "pools recommend" run.
type RecommendOptions struct {
	IO      *cmdutil.IOStreams
	Printer *cmdutil.Printer
	Now     func() time.Time

	Targets      []poolTarget
	Embedded     bool // the targets are the embedded ones: none was configured
	Op           opFlags
	WaitP99      time.Duration
	ExpectedRate float64
	Instances    int
	Headroom     float64
	StepDuration time.Duration
	Concurrency  int // 0: twice the largest size in the sweep
	OpTimeout    time.Duration
	// Checks are the --threshold checks on each pool's recommended size.
	Checks []threshold.Threshold
}

// newRecommendCmd parses and checks the flags into RecommendOptions; runF
// replaces runRecommend in tests of flag handling.
func newRecommendCmd(f *cmdutil.Factory, runF func(context.Context, *RecommendOptions) error) *cobra.Command {
	opts := &RecommendOptions{IO: f.IO}
	var waitP99, step time.Duration
	// --concurrency here is the sweep's saturating load, not
	// WORKLOAD.CONCURRENCY: 0 means twice the largest size.
	wl := &cmdutil.WorkloadFlags{OpTimeout: 10 * time.Second, Unbound: cmdutil.WorkloadConcurrency}
	cmd := &cobra.Command{
		Use:   "recommend [pool name | URL …] [--wait-p99 100ms] [--expected-rate R] [--instances N]",
		Short: "Sweep each pool's size, fit the scalability curve and recommend min and max sizes",
		Long: `Sweep each pool's size and recommend its min and max from the measurements.

For each target, one after the other: pool sizes 1, 2, 4, … up to the
configured max (DB_POOL_MAX_SIZE, REDIS_POOL_MAX_SIZE, HTTP_POOL_MAX_SIZE, and
never above the server's own limit) are each run for --step-duration under a
closed-model load of twice the largest size, so every step saturates its
pool. The sweep stops early once two consecutive steps each gain less than
3 % throughput, then bisects between the sizes around 95 % of the peak.

The Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) is fitted to
throughput against size; σ (contention), κ (coherency), the fitted peak and
R² are shown as evidence with a chart.

  max  the smallest size reaching 95 % of the peak measured throughput whose
       acquire-wait p99 stays under --wait-p99 at the expected load
       (--expected-rate, default half the measured peak), checked in the
       open model; the next larger measured size is tried if it does not.
  min  Little's law: expected rate × mean hold time at that load × --headroom,
       rounded up, at least 1.

The server's own limit and the connections other clients hold are read over
a short connection of its own before every step (PostgreSQL max_connections
− superuser_reserved_connections and pg_stat_activity, MySQL
@@max_connections and Threads_connected, Redis maxclients and
connected_clients). No step opens more than (limit − in use by others −
margin) ÷ --instances, the margin being 5 % of the limit and at least 2, and
the recommended max is capped there too. A server refusing a connection
("too many clients", "max number of clients reached", MySQL 1040) stops the
sweep at the step before and is shown as a finding. A poor fit (R² < 0.9)
or throughput falling between steps is a warning and lowers the confidence
shown; with --expected-rate, Little's law leads and the result says which
input decided the max.

A target unreachable at the start is reported and the others are still
swept (exit 1). Fail fast: when the first 20 operations of the first step
all fail with the same error (bad SQL, an unknown command, a rejected
login; not a refusal for lack of slots, which is a finding), that target's
sweep stops at once, the server's message is printed once, the target is
listed as failed with no figures, and the exit code is 1.

Arguments select what to sweep: pool names ("database", "redis", "http2")
filter the configured targets; URLs add targets of their kind. Output: the
sweep table, the chart, the recommendation with its evidence and the
settings to paste; JSON and Markdown too.

--threshold 'SUBJECT.METRIC OP VALUE' (repeatable) checks the figures of the
sweep step at each pool's recommended max (acquire_p99 from its wait check
at the expected rate), e.g. '*.throughput>1000', 'database.p99<20ms'; a
failing check, or one with no figure (no recommendation, unreachable), exits
3, ahead of exit 1. Metrics: p50, p99, acquire_p99, error_rate, throughput,
utilization (docs/thresholds.md).`,
		Example: `  resync pools recommend --db postgres://app@localhost/app
  resync pools recommend redis://localhost:6379 --expected-rate 20000
  resync pools recommend database --instances 4 --wait-p99 50ms -o json
  resync pools recommend --db postgres://app@localhost/app --script checkout.sql@1 --script browse.sql@3
  resync pools recommend --db postgres://app@localhost/app --threshold '*.throughput>1000' --threshold '*.error_rate<1%'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := wl.Check(); err != nil {
				return err
			}
			opts.Concurrency, opts.OpTimeout = wl.Concurrency, wl.OpTimeout
			if err := checkRecommendFlags(opts, waitP99, step); err != nil {
				return err
			}
			cfg, err := f.Config(cmd, targetFlags.Bindings(nil))
			if err != nil {
				return err
			}
			if opts.Checks, err = wl.Thresholds(cfg.Workload.Thresholds); err != nil {
				return err
			}
			names, err := addURLArgs(cfg, args)
			if err != nil {
				return err
			}
			if err := opts.Op.validate(); err != nil {
				return err
			}
			stop, emb, err := withEmbedded(cmd.Context(), f.IO, cfg)
			if err != nil {
				return err
			}
			defer stop()
			opts.Embedded = emb
			ts, err := targetsFrom(cfg)
			if err != nil {
				return err
			}
			if opts.Targets, err = selectTargets(ts, names); err != nil {
				return err
			}
			opts.WaitP99, opts.StepDuration = waitP99, step
			opts.Printer, opts.Now = f.Printer(), f.Now
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRecommend(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	targetFlags.Register(fl)
	fl.Var(cmdutil.NewDuration(&waitP99, sizing.DefaultWaitP99), "wait-p99", "acquire-wait p99 the recommended max must keep at the expected load")
	fl.Float64Var(&opts.ExpectedRate, "expected-rate", 0, "expected operations per second per instance (0: half the measured peak)")
	fl.IntVar(&opts.Instances, "instances", 1, "instances of the service sharing the server: each gets limit / N connections at most")
	fl.Float64Var(&opts.Headroom, "headroom", sizing.DefaultHeadroom, "factor over the Little's-law minimum")
	fl.Var(cmdutil.NewDuration(&step, sizing.DefaultStepDuration), "step-duration", "measured time of each sweep step")
	wl.Register(fl, cmdutil.WorkloadConcurrency|cmdutil.WorkloadOpTimeout|cmdutil.WorkloadThreshold)
	fl.Lookup("concurrency").Usage = "workers of the saturating load (0: twice the largest size in the sweep)"
	opts.Op.register(fl)
	return cmd
}

func checkRecommendFlags(o *RecommendOptions, waitP99, step time.Duration) error {
	switch {
	case o.Instances < 1:
		return cmdutil.Usagef("--instances %d: use 1 or more", o.Instances)
	case math.IsNaN(o.ExpectedRate) || math.IsInf(o.ExpectedRate, 0) || o.ExpectedRate < 0:
		return cmdutil.Usagef("--expected-rate %v: use a positive number of operations per second, or 0 for half the measured peak", o.ExpectedRate)
	case !(o.Headroom >= 1) || math.IsInf(o.Headroom, 0):
		return cmdutil.Usagef("--headroom %v: use a factor of 1 or more (1.2 = 20 %% above Little's law)", o.Headroom)
	case waitP99 <= 0:
		return cmdutil.Usagef("--wait-p99 must be greater than zero, e.g. 100ms")
	case step <= 0:
		return cmdutil.Usagef("--step-duration must be greater than zero, e.g. 2s")
	}
	return nil
}

// addURLArgs adds URL arguments to the configured targets (by kind) and
// returns the other arguments: pool names to select.
func addURLArgs(cfg *config.Config, args []string) ([]string, error) {
	var names []string
	for _, a := range args {
		if !strings.Contains(a, "://") && !strings.HasPrefix(a, "sqlite:") {
			names = append(names, a)
			continue
		}
		kind, err := target.KindOf(a)
		if err != nil {
			return nil, cmdutil.Usagef("argument %s: %v", redact.URL(a), err)
		}
		switch kind {
		case target.Redis:
			if cfg.Targets.RedisURL != "" && cfg.Targets.RedisURL != a {
				return nil, cmdutil.Usagef("argument %s: only one Redis target at a time (already %s)", redact.URL(a), redact.URL(cfg.Targets.RedisURL))
			}
			cfg.Targets.RedisURL = a
		case target.HTTP:
			cfg.Targets.HTTPURLs = append(cfg.Targets.HTTPURLs, a)
		default:
			cfg.Targets.DatabaseURLs = append(cfg.Targets.DatabaseURLs, a)
		}
	}
	return names, nil
}

// selectTargets keeps the targets named (all when names is empty).
func selectTargets(ts []poolTarget, names []string) ([]poolTarget, error) {
	if len(names) == 0 {
		return ts, nil
	}
	var out []poolTarget
	var known []string
	for _, t := range ts {
		known = append(known, t.Name)
		if slices.Contains(names, t.Name) {
			out = append(out, t)
		}
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, cmdutil.Usagef("no pool named %q: the configured pools are %s (or pass a URL)", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// recommendRun is one target's part of a run.
type recommendRun struct {
	t      poolTarget
	err    error // unreachable
	failed error // the first step failed every operation alike (fail fast)
	limit  *sizing.Limit
	notes  []string // warnings worth showing with the result
	result *sizing.Result
}

// runRecommend sweeps every target in turn, prints the results and maps the
// outcome to an error.
func runRecommend(ctx context.Context, o *RecommendOptions) error {
	// Each step's pool is closed inside the sweep, within a bounded time, so a
	// second signal has nothing more to cut short.
	started := o.Now()
	prog := newProgress(o.IO, 0, 0)
	runs := make([]*recommendRun, 0, len(o.Targets))
	var unreachable, failed []string
	for _, t := range o.Targets {
		if ctx.Err() != nil {
			break
		}
		r := &recommendRun{t: t}
		runs = append(runs, r)
		if err := probeOne(ctx, t, o); err != nil {
			if ctx.Err() != nil {
				break
			}
			r.err = err
			unreachable = append(unreachable, t.Name)
			reportUnreachable(o.IO, t, err, len(o.Targets))
			continue
		}
		limit, err := sizing.ServerLimit(ctx, t.Target, t.Pool.ConnectTimeout)
		if err != nil {
			r.notes = append(r.notes, "server limit unknown: "+err.Error())
		}
		r.limit = limit
		res, err := sizing.Recommend(ctx, sizing.Options{
			Name: t.Name, Kind: string(t.Kind), Target: t.Redacted(),
			Open: func(_ context.Context, size int) (sizing.Target, error) {
				return openRunner(t, o.Op, size, o.OpTimeout)
			},
			MaxSize: t.Pool.MaxSize, Concurrency: o.Concurrency, StepDuration: o.StepDuration,
			WaitP99: o.WaitP99, ExpectedRate: o.ExpectedRate, Headroom: o.Headroom,
			OpTimeout: -1, // the pool bounds each operation (see runStats)
			FailFast:  FailFastOps,
			Limit:     limit, Instances: o.Instances, Progress: prog.event,
			Recheck: func(ctx context.Context) (*sizing.Limit, error) {
				return sizing.ServerLimit(ctx, t.Target, t.Pool.ConnectTimeout)
			},
		})
		if err != nil {
			if errors.Is(err, sizing.ErrInvalidOptions) {
				return cmdutil.Usagef("%s: %v", t.Name, err)
			}
			if r.failed = failFastOf(err, t.Name); r.failed == nil {
				return err
			}
			failed = append(failed, t.Name) // only errors: no figures
			if !o.IO.Quiet {
				fmt.Fprintln(o.IO.ErrOut, "resync: "+r.failed.Error())
			}
			continue
		}
		r.result = res
	}
	prog.done()
	result := sizingResult(runs, started, ctx.Err() != nil, o.Embedded)
	result.CheckThresholds(o.Checks)
	if err := o.Printer.Print(result); err != nil {
		return err
	}
	thresholdErr := cmdutil.ThresholdFailure(result.Thresholds)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case thresholdErr != nil:
		return thresholdErr
	case len(unreachable)+len(failed) > 0:
		return fmt.Errorf("%s", failedAtStart(len(o.Targets), unreachable, failed))
	}
	return nil
}

// probeOne checks that t answers within its connect timeout, with a pool of
// one connection that is closed again.
func probeOne(ctx context.Context, t poolTarget, o *RecommendOptions) error {
	p, err := openPools([]poolTarget{t}, o.Op, 1, o.OpTimeout)
	if err != nil {
		return err
	}
	defer closePools(p, nil)
	return probeAll(ctx, []poolTarget{t}, p)[0]
}
