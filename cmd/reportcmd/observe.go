package reportcmd

import (
	"context"
	"fmt"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/observe"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/target"
)

// runObserve is report --observe: the targets' own counters over the
// window, no workload, no pools or cache of resync's own.
func runObserve(ctx context.Context, o *ReportOptions) error {
	c := o.Config
	if c.Targets.Empty() && len(c.Targets.PgbouncerURLs) == 0 {
		return cmdutil.Usagef("--observe reads real targets' counters: give --redis, --db or --pgbouncer (or TARGETS in the settings), e.g. --observe 60s --redis redis://127.0.0.1:6379")
	}
	targets, err := target.FromURLs(c.Targets.DatabaseURLs, c.Targets.RedisURL, c.Targets.HTTPURLs)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	pgbouncers, err := cmdutil.Pgbouncers(c.Targets.PgbouncerURLs)
	if err != nil {
		return err
	}
	targets = append(targets, pgbouncers...)
	sources, skipped, err := observe.FromTargets(targets)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	defer observe.CloseAll(sources)
	if !o.IO.Quiet {
		for _, s := range skipped {
			fmt.Fprintf(o.IO.ErrOut, "warning: %s: %s; skipped\n", s.Target, s.Reason)
		}
		fmt.Fprintf(o.IO.ErrOut, "resync: observing %d target(s) for %s, reading every %s; no workload is sent.\n",
			len(sources), c.Workload.Observe, c.Workload.ObserveInterval)
	}
	res := observe.Observe(ctx, sources, observe.Options{Window: c.Workload.Observe, Interval: c.Workload.ObserveInterval})
	in := report.Input{Now: o.Now()}
	res.Fill(&in)
	rep := report.Build(in)
	if err := o.Printer.Print(rep); err != nil {
		return err
	}
	if in.Partial {
		return context.Canceled
	}
	return thresholds(o, rep)
}
