package reportcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/shard"
	"github.com/resync-dev/resync/pkg/threshold"
)

// MergeOptions are "report merge"'s inputs after flag parsing.
type MergeOptions struct {
	IO         *cmdutil.IOStreams
	Printer    *cmdutil.Printer
	Files      []string
	Thresholds report.Thresholds     // --fail-on, --fail-under-score
	Checks     []threshold.Threshold // --threshold, evaluated on the merged figures
}

// newMergeCmd parses the flags into MergeOptions; runF replaces runMerge
// in tests of flag handling.
func newMergeCmd(f *cmdutil.Factory, runF func(context.Context, *MergeOptions) error) *cobra.Command {
	o := &MergeOptions{IO: f.IO}
	failOn := cmdutil.NewEnum("none", "none", "degraded", "critical")
	wl := &cmdutil.WorkloadFlags{}
	cmd := &cobra.Command{
		Use:   "merge FILE…",
		Short: "Build one report from the result files of a sharded run",
		Long: `Build one report from the --result-out files of the N shards of a run
(--shard 1/N … N/N, given in any order; one unsharded file works too). The
report has the same scores, recommendations, health, --fail-on,
--fail-under-score and --threshold checks and exit codes as one run driving
the whole load.

Merging: counters (operations, acquires, errors, exhaustions, cache hits
and misses…) and throughputs are summed; percentiles come from the merged
HDR histograms (operation latency, acquire wait, hold time), never from
averaging the shards' percentiles; utilization is time-weighted
(Σ utilization·uptime·max size ÷ Σ uptime·max size); peaks are the highest
one shard's pool saw. Settings (pool sizes, cache bounds) are each
process's own and must agree; the levels at the end (active and idle
connections, cache items) are the mean over the shards. Every histogram has
a fixed range (1 µs–1 h for pools, 100 ns–1 h for latency), so merging
drops no value; merge warns if a file made it drop any. See
docs/sharding.md.

Files that do not belong together — another command's, other targets, pool
sizes or cache bounds, another result_version, a shard given twice or one
missing — are refused with exit 2, naming the files.

EXIT STATUS
  0    merged; no threshold crossed
  1    a shard was interrupted (the report is marked partial), or a target
       was unreachable or failed fast in a shard
  2    bad input: a file missing, unreadable, not a result file, or files
       that do not belong together
  3    --fail-on, --fail-under-score or a --threshold check failed`,
		Example: `  # two shards of one run, then one report from both
  resync report --shard 1/2 --duration 2s --result-out s1.json -q
  resync report --shard 2/2 --duration 2s --result-out s2.json -q
  resync report merge s1.json s2.json

  # a CI gate on the merged figures, JSON to keep as an artifact
  resync report merge s1.json s2.json -o json --fail-on critical > report.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.Usagef("report merge needs the result files: resync report merge s1.json s2.json …")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Files = args
			o.Printer = f.Printer()
			if failOn.String() != "none" {
				o.Thresholds.FailOn = failOn.String()
			}
			if err := o.Thresholds.Validate(); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			var err error
			if o.Checks, err = wl.Thresholds(nil); err != nil {
				return err
			}
			if err := o.Printer.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runMerge(o)
		},
	}
	fl := cmd.Flags()
	fl.Var(failOn, "fail-on", "exit 3 when the overall health is at least this bad: none, degraded or critical")
	fl.Float64Var(&o.Thresholds.FailUnderScore, "fail-under-score", 0, "exit 3 when any cache or pool efficiency score is below this (0–100)")
	wl.Register(fl, cmdutil.WorkloadThreshold)
	return cmd
}

// runMerge reads and merges the files, prints the report and maps the
// outcome to an exit code as a single run would.
func runMerge(o *MergeOptions) error {
	files, err := shard.ReadAll(o.Files)
	if err != nil {
		return asUsageFile(err)
	}
	in, info, err := shard.Merge(files)
	if err != nil {
		return asUsageFile(err)
	}
	if info.Dropped > 0 && !o.IO.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "warning: %d histogram values fell outside the fixed range and were dropped: a file was not written by resync --result-out\n", info.Dropped)
	}
	rep := report.Build(in)
	rep.CheckThresholds(o.Checks)
	if err := o.Printer.Print(rep); err != nil {
		return err
	}
	if !o.IO.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "merged %d shard result%s\n", info.Shards, plural(info.Shards))
	}
	if in.Partial {
		return fmt.Errorf("a shard was interrupted: the merged report is partial")
	}
	if err := cmdutil.ThresholdFailure(rep.Thresholds, o.Thresholds.Check(rep)...); err != nil {
		return err
	}
	out := shard.MergedOutcome(files)
	if len(out.FailedFast) > 0 {
		return fmt.Errorf("in a shard, the first operations against %s all failed alike", strings.Join(out.FailedFast, ", "))
	}
	if len(out.Unreachable) > 0 {
		return fmt.Errorf("unreachable at the start of a shard: %s", strings.Join(out.Unreachable, ", "))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// asUsageFile makes a result file that cannot be read or merged a usage
// error (exit 2).
func asUsageFile(err error) error {
	var fe *shard.FileError
	if errors.As(err, &fe) {
		return &cmdutil.UsageError{Err: err}
	}
	return err
}
