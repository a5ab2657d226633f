package reportcmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/observe"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/target"
)

// runObserve is report --observe: the targets' own counters over the
// window, no workload, no pools or cache of resync's own.
func runObserve(ctx context.Context, o *ReportOptions) error {
	c := o.Config
	if c.Targets.Empty() && len(c.Targets.PgbouncerURLs) == 0 && len(c.Targets.MetricsURLs) == 0 {
		return cmdutil.Usagef("--observe reads real targets' counters: give --redis, --db, --pgbouncer or --metrics (or TARGETS in the settings), e.g. --observe 60s --redis redis://127.0.0.1:6379")
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
	endpoints, err := cmdutil.MetricsTargets(c.Targets.MetricsURLs)
	if err != nil {
		return err
	}
	targets = append(targets, endpoints...)
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
	if o.IO.Verbose && !o.IO.Quiet {
		listIgnored(o.IO.ErrOut, sources)
	}
	in := report.Input{Now: o.Now()}
	res.Fill(&in)
	rep := report.Build(in)
	rep.CheckThresholds(o.Checks)
	if err := o.Printer.Print(rep); err != nil {
		return err
	}
	if in.Partial {
		return context.Canceled
	}
	return thresholds(o, rep)
}

// listIgnored says, for -v, which families of each Prometheus endpoint no
// known exporter writes (and so were not read).
func listIgnored(w io.Writer, sources []observe.Source) {
	for _, s := range sources {
		ps, ok := s.(*observe.PrometheusSource)
		if !ok {
			continue
		}
		if ignored := ps.Ignored(); len(ignored) > 0 {
			name, _, u := ps.Target()
			fmt.Fprintf(w, "resync: %s (%s): %d families no known exporter writes, ignored: %s\n",
				name, u, len(ignored), strings.Join(ignored, ", "))
		}
	}
}

// metricsOnlyObserved refuses --metrics without --observe (exit 2): a
// Prometheus endpoint is read in observe mode only. From the settings
// file or the environment it is a warning, and the load runs without it.
func metricsOnlyObserved(o *ReportOptions) error {
	c := o.Config
	if len(c.Targets.MetricsURLs) == 0 {
		return nil
	}
	if c.Sources[target.KeyMetricsURLs].Kind == config.FromFlag {
		return cmdutil.Usagef("--metrics is read in observe mode only: add --observe DURATION (e.g. --observe 60s --metrics %s)",
			redact.URL(c.Targets.MetricsURLs[0]))
	}
	if !o.IO.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s (%s) is read in observe mode only (--observe); not read by this load run\n",
			target.KeyMetricsURLs, c.Sources[target.KeyMetricsURLs].Detail)
	}
	return nil
}
