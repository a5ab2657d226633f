package reportcmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/internal/embedded"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/shard"
	"github.com/resync-dev/resync/pkg/workload"
)

// closeTimeout bounds closing every pool and the embedded targets.
const closeTimeout = 5 * time.Second

// runReport opens the session, drives the workload, builds the report and writes
// it. An interrupted run still prints its partial report and returns
// context.Canceled; a crossed --fail-on/--fail-under-score threshold returns
// a *cmdutil.FindingError after the report is written.
func runReport(ctx context.Context, o *ReportOptions) (err error) {
	if o.Config.Workload.Observe > 0 {
		return runObserve(ctx, o)
	}
	if len(o.Config.Targets.PgbouncerURLs) > 0 && !o.IO.Quiet {
		fmt.Fprintln(o.IO.ErrOut, "warning: --pgbouncer (TARGETS.PGBOUNCER_URLS) is read only in observe mode: add --observe 60s to read its pools; ignored")
	}
	if err := metricsOnlyObserved(o); err != nil {
		return err
	}
	sess, err := diag.Open(ctx, o.Config)
	if err != nil {
		return asUsage(err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
		if cerr := sess.Close(cctx); cerr != nil && err == nil && !o.IO.Quiet {
			fmt.Fprintf(o.IO.ErrOut, "warning: closing targets: %v\n", cerr)
		}
	}()
	if sess.Embedded() && !o.IO.Quiet {
		fmt.Fprintln(o.IO.ErrOut, "resync: "+embedded.Notice)
	}

	// Unreachable targets are findings; the others still run.
	targets := sess.Ping(ctx)
	if ctx.Err() != nil {
		// Interrupted while checking: a cancelled ping says nothing about
		// the target, so leave reachability to the final snapshot.
		targets = nil
	}
	reachable := map[string]bool{}
	for _, t := range targets {
		reachable[t.Name] = t.Reachable
		if !t.Reachable && !o.IO.Quiet {
			fmt.Fprintf(o.IO.ErrOut, "warning: %s (%s) is unreachable: %s\n", t.Name, t.URL, t.Error)
		}
	}

	started := o.Now()
	if err := cmdutil.WaitStart(ctx, o.IO, o.StartAt, time.Now()); err != nil { // the wall clock, not o.Now
		return err
	}
	results, runErr := runWorkload(ctx, o, sess, reachable)
	var ff *workload.FailFastError
	failedFast := errors.As(runErr, &ff)
	if runErr != nil && !failedFast && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if failedFast && !o.IO.Quiet {
		fmt.Fprintln(o.IO.ErrOut, "resync: "+redact.Text(runErr.Error()))
	}

	// The snapshot and the server inspection still run after Ctrl-C.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), diag.InspectTimeout+time.Second)
	defer cancel()
	in := sess.Input(sctx, o.MaxLifetime)
	in.Now = o.Now()
	in.Partial = ctx.Err() != nil
	in.Targets = mergeTargets(targets, in.Targets)
	in.Duration = measured(results, o.Config.Workload.Duration)
	for i := range in.Pools {
		res := results[in.Pools[i].Snapshot.Name]
		if res == nil {
			continue
		}
		// The outage rule needs seconds with no success at all, which
		// cache hits (never failing) rule out by themselves: the
		// workload's series serves with or without a cache.
		in.Pools[i].Series = res.Series
		in.Pools[i].Stall = report.StallOf(res)
		in.Pools[i].Workers = res.Concurrency
		// A pool behind the cache sees only the misses: its figures are
		// the pool's own, not the workload's (which count cache hits).
		in.Pools[i].Throughput = res.PoolThroughput()
		if res.Cache == nil {
			in.Pools[i].LatencyMs = latency(res.Latency)
			in.Pools[i].LatencyHistogram = res.LatencyHistogram
		}
	}
	rep := report.Build(in)
	rep.CheckThresholds(o.Checks)

	// Unreachable at the start (the ping): one that dies mid-run shows as errors.
	var down []string
	for _, t := range targets {
		if !t.Reachable {
			down = append(down, t.Name)
		}
	}
	if o.ResultOut != "" {
		outcome := shard.Outcome{Unreachable: down}
		if failedFast {
			outcome.FailedFast = []string{ff.Name}
		}
		if err := writeResult(o, sess, started, in, results, outcome); err != nil {
			return err
		}
	}
	if err := o.Printer.Print(rep); err != nil {
		return err
	}
	if in.Partial {
		return context.Canceled
	}
	if err := thresholds(o, rep); err != nil {
		return err
	}
	if failedFast {
		return fmt.Errorf("a target failed its first %d operations alike; see above", ff.Ops)
	}
	if len(down) > 0 {
		return fmt.Errorf("%d of %d targets unreachable at the start: %s", len(down), len(targets), strings.Join(down, ", "))
	}
	return nil
}

// runWorkload drives every reachable pool at once; database pools read
// through the cache.
func runWorkload(ctx context.Context, o *ReportOptions, sess *diag.Session, reachable map[string]bool) (map[string]*workload.Result, error) {
	w := o.Config.Workload
	var opts []workload.Options
	// The warm-up is in no figure: each pool's counters and, once, the
	// shared cache's restart when the warm-ups end (all at the same time).
	var cacheReset sync.Once
	for _, r := range sess.Runners() {
		if !reachable[r.Name()] {
			continue
		}
		wo := workload.Options{
			Name: r.Name(), Op: r.Do, Concurrency: w.Concurrency, Rate: w.Rate,
			Duration: w.Duration, Warmup: o.Warmup, Seed: o.Seed, FailFast: workload.DefaultFailFast,
			WorkerOffset: o.WorkerOffset, OnMeasure: r.ResetStats,
		}
		if isDatabase(r.Kind()) {
			wo.Cache, wo.Keys, wo.KeyDist = sess.Cache(), w.Keys, workload.KeyDist{Kind: w.Distribution}
			wo.OnMeasure = func() {
				r.ResetStats()
				cacheReset.Do(sess.ResetCacheStats)
			}
		}
		opts = append(opts, wo)
	}
	if len(opts) == 0 {
		return map[string]*workload.Result{}, nil
	}
	var stopProgress func()
	if o.IO.ShowProgress() {
		stopProgress = progress(o, opts)
	}
	res, err := workload.RunAll(ctx, opts)
	if stopProgress != nil {
		stopProgress()
	}
	if errors.Is(err, workload.ErrInvalidOptions) {
		return nil, &cmdutil.UsageError{Err: err}
	}
	out := make(map[string]*workload.Result, len(res))
	for _, r := range res {
		if r != nil {
			out[r.Name] = r
		}
	}
	return out, err
}

func isDatabase(kind string) bool {
	return kind == pools.KindPostgres || kind == pools.KindMySQL || kind == pools.KindSQLite
}

// progress draws "elapsed / total · database 1.2k ops/s · redis 40k ops/s
// (3 errors) · cache 50k hits/s" on stderr, one line rewritten in place,
// from every pool's progress callback: each pool's own operations and
// errors, the cache hits (which never reach a pool) apart.
func progress(o *ReportOptions, opts []workload.Options) (stop func()) {
	var mu sync.Mutex
	latest := map[string]workload.Progress{}
	var elapsed time.Duration
	total := o.Config.Workload.Duration
	for i := range opts {
		opts[i].Progress = func(p workload.Progress) {
			mu.Lock()
			defer mu.Unlock()
			latest[p.Name] = p
			if p.Elapsed > elapsed {
				elapsed = p.Elapsed
			}
			fmt.Fprint(o.IO.ErrOut, "\r\033[K"+progressLine(elapsed, total, latest))
		}
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(o.IO.ErrOut, "\r\033[K")
	}
}

// progressLine is the live status: elapsed / total, then each pool's
// operations per second and errors, by name, then the cache hits per
// second of all pools.
func progressLine(elapsed, total time.Duration, latest map[string]workload.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s / %s", max(elapsed, 0).Truncate(time.Second), total)
	var hits float64
	for _, name := range slices.Sorted(maps.Keys(latest)) {
		p := latest[name]
		fmt.Fprintf(&b, " · %s %s ops/s", name, output.Count(p.Rate))
		if p.Errors > 0 {
			fmt.Fprintf(&b, " (%s errors)", output.Count(float64(p.Errors)))
		}
		hits += p.HitRate
	}
	if hits > 0 {
		fmt.Fprintf(&b, " · cache %s hits/s", output.Count(hits))
	}
	return b.String()
}

// mergeTargets keeps the reachability seen before the run for targets that
// were down at the start, so a target that came back during the snapshot is
// still reported as having been unreachable.
func mergeTargets(before, after []report.Target) []report.Target {
	out := slices.Clone(after)
	for i, t := range out {
		for _, b := range before {
			if b.Name == t.Name && !b.Reachable && t.Reachable {
				out[i] = b
			}
		}
	}
	return out
}

// measured is the longest measured window of the runs (or the configured
// duration when nothing ran).
func measured(results map[string]*workload.Result, def time.Duration) time.Duration {
	var d time.Duration
	for _, r := range results {
		d = max(d, r.Elapsed)
	}
	if d == 0 {
		return def
	}
	return d
}

func latency(q workload.Quantiles) *pools.Quantiles {
	return &pools.Quantiles{P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max, Mean: q.Mean}
}

// thresholds applies --fail-on, --fail-under-score and the --threshold
// checks already evaluated on rep.
func thresholds(o *ReportOptions, rep *report.Report) error {
	return cmdutil.ThresholdFailure(rep.Thresholds, o.Thresholds.Check(rep)...)
}

// asUsage makes a setting the session refused a usage error (exit 2).
func asUsage(err error) error {
	var ce *diag.ConfigError
	if errors.As(err, &ce) {
		return &cmdutil.UsageError{Err: err}
	}
	return err
}

// writeResult writes the --result-out file: the report's input with the
// pools' histograms, for "resync report merge".
func writeResult(o *ReportOptions, sess *diag.Session, started time.Time, in report.Input,
	results map[string]*workload.Result, outcome shard.Outcome) error {
	return cmdutil.WriteResult(o.IO, o.ResultOut, shard.Run{
		Command: "report", Shard: o.Shard, Started: started, Input: in, Results: results,
		Distributions: diag.Distributions(sess.Runners()), Outcome: outcome,
	})
}
