package poolscmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/shard"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload"
)

// FailFastOps: when the first FailFastOps operations against a target all
// fail with the same error (bad SQL, an unknown command, a rejected login),
// the load commands stop that target's run and report the error once.
const FailFastOps = workload.DefaultFailFast

// DefaultWarmup precedes the measured phase of "pools stats".
const DefaultWarmup = time.Second

// statsWorkload are the workload flags "pools stats" takes.
const statsWorkload = cmdutil.WorkloadDuration | cmdutil.WorkloadWarmup | cmdutil.WorkloadConcurrency |
	cmdutil.WorkloadRate | cmdutil.WorkloadRequests | cmdutil.WorkloadKeys | cmdutil.WorkloadSeed |
	cmdutil.WorkloadOpTimeout | cmdutil.WorkloadThreshold | cmdutil.WorkloadShard | cmdutil.WorkloadResultOut

// StatsOptions are the validated inputs of one "pools stats" run.
type StatsOptions struct {
	IO      *cmdutil.IOStreams
	Printer *cmdutil.Printer
	Now     func() time.Time

	Targets     []poolTarget
	Embedded    bool // the targets are the embedded ones: none was configured
	Op          opFlags
	Duration    time.Duration // 0 with Requests: bounded by Requests only
	Warmup      time.Duration
	Concurrency int
	Rate        float64
	Requests    uint64
	OpTimeout   time.Duration

	// Cache puts a read-through cache (the ASYNC_CACHE settings) in front
	// of every pool, with Keys drawn from Dist.
	Cache    bool
	CacheCfg config.CacheConfig
	Keys     int
	Dist     string
	Seed     uint64

	// Checks are the --threshold checks on the final figures.
	Checks []threshold.Threshold

	// Sharded runs (docs/sharding.md): this process's shard, its workers'
	// offset in the unsharded run's numbering, when to begin and the
	// result file to write.
	Shard        shard.Segment
	WorkerOffset int
	StartAt      time.Time
	ResultOut    string
}

// newStatsCmd parses and checks the flags into StatsOptions; runF replaces
// runStats in tests of flag handling.
func newStatsCmd(f *cmdutil.Factory, runF func(context.Context, *StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{IO: f.IO}
	wl := cmdutil.DefaultWorkloadFlags()
	wl.Warmup = DefaultWarmup
	cmd := &cobra.Command{
		Use:   "stats [--db URL …] [--redis URL] [--http URL …] [--duration 10s] [--concurrency 32 | --rate R]",
		Short: "Drive a workload through the pools and report throughput, latency, waits, errors and scores",
		Long: `Drive a workload through resync's own pools against every target at once
(each target with its own workers) and report per pool: throughput, latency
p50/p95/p99/max, acquire wait, time-weighted utilization, active/idle/waiting,
errors by class (timeout, refused, reset, server, other), exhaustions, the
efficiency score and rating, and recommendations.

Closed model (default): --concurrency workers per target, each starting its
next operation when the last one ends. Open model (--rate R): R operations
arrive per second per target whether or not earlier ones finished; latency is
measured from each arrival, so queueing is never hidden (it also includes the
scheduler's own timer resolution, up to about 1 ms; the JSON's
service_time_ms leaves it out). Arrivals that start more than 2 ms late are
counted as late; beyond a backlog of max(--concurrency, R) waiting arrivals
(at most 65536) they are dropped and counted, and so are arrivals still
waiting when --duration ends. Operations in flight at the end get at most
2 s (the drain) to finish, then are cancelled: every run ends within
--warmup + --duration + 2 s.

--requests N bounds the run to N operations per target, the warm-up's
included. The --warmup period is excluded from every figure. With --cache, a
read-through cache (the ASYNC_CACHE settings) sits in front of each pool:
keys are drawn from --dist over --keys; a hit skips the pool.

Interrupted (Ctrl-C), it prints the figures so far, marked partial, and exits
130. A target that is unreachable at the start is reported and the others
still run (exit 1); one that fails mid-run shows as errors. Fail fast: when
the first 20 operations against a target all fail with the same error (bad
SQL, an unknown command, a rejected login; not timeouts, refusals or resets),
that target's run stops at once, the server's message is printed once, the
target is listed as failed with no figures, and the exit code is 1.

--threshold 'SUBJECT.METRIC OP VALUE' (repeatable) checks the final figures,
k6-style: e.g. 'redis.p99<5ms', 'database.error_rate<1%', '*.throughput>1000'.
The checks are listed in the output (JSON "thresholds") and any that fails,
or has no figure to compare (an unknown name, an unreachable target), exits
3, ahead of exit 1. Grammar and metrics: docs/thresholds.md.

Sharded runs (docs/sharding.md): --shard I/N drives shard I's part of
--concurrency, --rate and --requests (the N parts add up exactly to the
whole; the key space is shared), --start-at RFC3339 waits until that time
(at most 24 h ahead), and --result-out FILE.json writes a result file with
the HDR histograms for "resync report merge".`,
		Example: `  resync pools stats --db postgres://app@localhost/app
  resync pools stats --redis redis://localhost:6379 --redis-command "GET k" --concurrency 50 --duration 30s
  resync pools stats --http http://localhost:8080/ --rate 1000 --warmup 2s -o json
  resync pools stats --db postgres://app@localhost/app --script checkout.sql@1 --script browse.sql@3 --requests 10000
  resync pools stats --redis redis://localhost:6379 --duration 5s --threshold 'redis.p99<50ms' --threshold '*.error_rate<1%'
  resync pools stats --redis redis://localhost:6379 --shard 1/2 --rate 500 --result-out s1.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := wl.Check(); err != nil {
				return err
			}
			bindings := targetFlags.Bindings(nil)
			maps.Copy(bindings, wl.Bindings())
			cfg, err := f.Config(cmd, bindings)
			if err != nil {
				return err
			}
			if err := opts.Op.validate(); err != nil {
				return err
			}
			if opts.Checks, err = wl.Thresholds(cfg.Workload.Thresholds); err != nil {
				return err
			}
			stop, emb, err := withEmbedded(cmd.Context(), f.IO, cfg)
			if err != nil {
				return err
			}
			defer stop()
			opts.Embedded = emb
			if opts.Targets, err = targetsFrom(cfg); err != nil {
				return err
			}
			opts.Warmup, opts.OpTimeout, opts.Requests, opts.Seed = wl.Warmup, wl.OpTimeout, wl.Requests, wl.Seed
			opts.Op.seed = wl.Seed
			opts.Duration = cfg.Workload.Duration
			if opts.Requests > 0 && !cmd.Flags().Changed("duration") {
				opts.Duration = 0 // bounded by --requests alone
			}
			opts.Concurrency, opts.Rate = cfg.Workload.Concurrency, cfg.Workload.Rate
			if err := opts.applyShard(wl); err != nil {
				return err
			}
			opts.CacheCfg, opts.Keys, opts.Dist = cfg.Cache, cfg.Workload.Keys, cfg.Workload.Distribution
			if err := opts.validate(); err != nil {
				return err
			}
			opts.Printer, opts.Now = f.Printer(), f.Now
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStats(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	targetFlags.Register(fl)
	wl.Register(fl, statsWorkload)
	fl.BoolVar(&opts.Cache, "cache", false, "put a read-through cache (ASYNC_CACHE settings) in front of each pool: --keys, --dist and --seed shape its workload")
	opts.Op.register(fl)
	return cmd
}

func (o *StatsOptions) validate() error {
	if o.Concurrency < 1 {
		return cmdutil.Usagef("concurrency %d (WORKLOAD.CONCURRENCY / --concurrency): use 1 or more workers", o.Concurrency)
	}
	if o.Duration <= 0 && o.Requests == 0 {
		return cmdutil.Usagef("duration %v (WORKLOAD.DURATION / --duration): must be greater than zero, or pass --requests", o.Duration)
	}
	w := workload.Options{Op: func(context.Context) error { return nil }, Rate: o.Rate, Requests: o.Requests, Warmup: o.Warmup}
	if n := w.WarmupRequests(); o.Requests > 0 && n > 0 && o.Requests <= n {
		return cmdutil.Usagef("--requests %d at --rate %g/s is used up by the %v warm-up (%d operations): raise --requests above %d or shorten --warmup",
			o.Requests, o.Rate, o.Warmup, n, n)
	}
	if o.Cache && o.Keys < 1 {
		return cmdutil.Usagef("--keys %d: the cache needs at least 1 key", o.Keys)
	}
	return nil
}

// statsRun is one target's part of a run.
type statsRun struct {
	t      poolTarget
	runner pools.Runner
	err    error // unreachable at the start
	failed error // reachable, but its first operations all failed alike (fail fast)
	result *workload.Result
	cache  *cache.Cache[uint64, struct{}]
}

// runStats probes the targets, runs the workload on the reachable ones,
// prints the report and maps the outcome to an error.
func runStats(ctx context.Context, o *StatsOptions) error {
	ps, err := openPools(o.Targets, o.Op, 0, o.OpTimeout)
	if err != nil {
		return err
	}
	// A second Ctrl-C stops waiting for the pools to close.
	defer closePools(ps, cmdutil.Aborted(ctx))
	runs := make([]*statsRun, len(o.Targets))
	for i, r := range ps.Runners() {
		runs[i] = &statsRun{t: o.Targets[i], runner: r}
	}
	defer func() {
		for _, r := range runs {
			if r.cache != nil {
				_ = r.cache.Close()
			}
		}
	}()

	started := o.Now()
	unreachable := probeTargets(ctx, o, ps, runs)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var live []*statsRun
	for _, r := range runs {
		if r.err == nil {
			live = append(live, r)
		}
	}
	if len(live) > 0 {
		if err := cmdutil.WaitStart(ctx, o.IO, o.StartAt, time.Now()); err != nil { // the wall clock, not o.Now
			return err
		}
		if err := runWorkloads(ctx, o, live); err != nil {
			return err
		}
	}
	var failed []string
	for _, r := range runs {
		if r.failed != nil {
			failed = append(failed, r.t.Name)
		}
	}
	in := statsInput(o, runs, started)
	if o.ResultOut != "" {
		if err := writeResult(o, runs, in, shard.Outcome{Unreachable: unreachable, FailedFast: failed}); err != nil {
			return err
		}
	}
	stats := buildStats(o, runs, in)
	stats.CheckThresholds(o.Checks)
	if err := o.Printer.Print(stats); err != nil {
		return err
	}
	thresholdErr := cmdutil.ThresholdFailure(stats.Thresholds)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case thresholdErr != nil:
		return thresholdErr
	case len(unreachable)+len(failed) > 0:
		return fmt.Errorf("%s", failedAtStart(len(runs), unreachable, failed))
	}
	return nil
}

// probeTargets pings every target; unreachable ones are reported on stderr
// (unless quiet) and left out of the workload. It returns their names.
func probeTargets(ctx context.Context, o *StatsOptions, ps *diag.Pools, runs []*statsRun) []string {
	var names []string
	for i, err := range probeAll(ctx, o.Targets, ps) {
		if err == nil || ctx.Err() != nil {
			continue
		}
		runs[i].err = err
		names = append(names, runs[i].t.Name)
		reportUnreachable(o.IO, runs[i].t, err, len(runs))
	}
	return names
}

// runWorkloads runs one workload per live target at once.
func runWorkloads(ctx context.Context, o *StatsOptions, live []*statsRun) error {
	prog := newProgress(o.IO, o.Warmup, o.Duration)
	defer prog.done()
	opts := make([]workload.Options, len(live))
	scripts := make([]*scriptRunner, len(live))
	for i, r := range live {
		op := o.Op.bind(r.runner)
		scripts[i], _ = op.(*scriptRunner)
		opts[i] = workload.Options{
			Name: r.t.Name, Op: op.Do, Concurrency: o.Concurrency, Rate: o.Rate,
			Duration: o.Duration, Requests: o.Requests, Warmup: o.Warmup,
			// The pool bounds each operation (OperationTimeout = --timeout)
			// and each wait (ConnectTimeout); a second timer per operation
			// would only cost CPU.
			OpTimeout:    -1,
			FailFast:     FailFastOps,
			OnMeasure:    r.runner.ResetStats, // the warm-up is in no pool figure either
			Progress:     prog.update,
			WorkerOffset: o.WorkerOffset,
		}
		if o.Cache {
			c, err := cache.New[uint64, struct{}](cache.Options[uint64, struct{}]{
				TTL: o.CacheCfg.TTL, CleanupInterval: o.CacheCfg.CleanupInterval, Shards: o.CacheCfg.Shards,
				MaxWorkers: o.CacheCfg.MaxWorkers, MaxItems: o.CacheCfg.MaxItems,
				MaxBytes: int64(o.CacheCfg.MaxMemoryMB) << 20,
			})
			if err != nil {
				return cmdutil.Usagef("ASYNC_CACHE settings: %v", err)
			}
			r.cache = c // closed by runStats once the report is written
			opts[i].Cache = workload.CacheOf(c, struct{}{})
			opts[i].OnMeasure = func() { r.runner.ResetStats(); c.ResetStats() }
			opts[i].Keys, opts[i].KeyDist, opts[i].Seed = o.Keys, workload.KeyDist{Kind: o.Dist}, o.Seed
		}
	}
	measureFrom := time.Now().Add(o.Warmup)
	for _, sr := range scripts {
		if sr != nil {
			sr.MeasureFrom(measureFrom)
		}
	}
	results, err := workload.RunAll(ctx, opts)
	if errors.Is(err, workload.ErrInvalidOptions) {
		return cmdutil.Usagef("%v", err)
	}
	prog.done()
	for i, r := range live {
		r.result = results[i]
		if r.failed = failFastOf(err, r.t.Name); r.failed != nil {
			r.result = nil // only errors: no figures
			if !o.IO.Quiet {
				fmt.Fprintln(o.IO.ErrOut, "resync: "+r.failed.Error())
			}
			continue
		}
		if sr := scripts[i]; sr != nil {
			r.result.Scripts = sr.Results()
		}
	}
	return nil
}

// applyShard takes --shard, --start-at and --result-out: a shard drives its
// part of the workers, rate and requests (cmdutil.ShardWork).
func (o *StatsOptions) applyShard(wl *cmdutil.WorkloadFlags) error {
	o.Shard, o.StartAt, o.ResultOut = wl.Shard, wl.StartAt, wl.ResultOut
	part, err := wl.ShardWork(cmdutil.Work{Concurrency: o.Concurrency, Rate: o.Rate, Requests: o.Requests})
	if err != nil {
		return err
	}
	o.Concurrency, o.Rate, o.Requests, o.WorkerOffset = part.Concurrency, part.Rate, part.Requests, part.WorkerOffset
	return nil
}

// writeResult writes the --result-out file: the run's report input with
// the pools' histograms, for "resync report merge".
func writeResult(o *StatsOptions, runs []*statsRun, in report.Input, outcome shard.Outcome) error {
	results := map[string]*workload.Result{}
	dists := map[string]pools.Distributions{}
	for _, r := range runs {
		if r.result != nil {
			results[r.t.Name] = r.result
			if d, ok := r.runner.(pools.DistributionSource); ok {
				dists[r.t.Name] = d.Distributions()
			}
		}
	}
	return cmdutil.WriteResult(o.IO, o.ResultOut, shard.Run{
		Command: "pools stats", Shard: o.Shard, Started: in.Now, Input: in,
		Results: results, Distributions: dists, Outcome: outcome,
	})
}
