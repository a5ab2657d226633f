package poolscmd

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/textfmt"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload"
)

// statsOutput is the JSON of "pools stats": the report (schema_version 1,
// connection_pools and targets only) plus the workload's own figures per
// pool.
type statsOutput struct {
	*report.Report
	Workload map[string]*workload.Result `json:"workload"`
}

// buildStats turns the run into a pools-only report; scoring and
// recommendations are pkg/report's.
func buildStats(o *StatsOptions, runs []*statsRun, started time.Time) statsOutput {
	in := report.Input{Now: started}
	out := statsOutput{Workload: map[string]*workload.Result{}}
	for _, r := range runs {
		tg := report.Target{Name: r.t.Name, Kind: r.t.Kind, URL: r.t.URL, Reachable: r.err == nil}
		if r.err != nil {
			tg.Error = r.err.Error()
		}
		in.Targets = append(in.Targets, tg)
		if r.result == nil {
			continue
		}
		res := r.result
		q := pools.Quantiles{P50: res.Latency.P50, P95: res.Latency.P95, P99: res.Latency.P99,
			Max: res.Latency.Max, Mean: res.Latency.Mean}
		in.Pools = append(in.Pools, report.PoolInput{Snapshot: r.runner.Snapshot(), LatencyMs: &q, Throughput: res.Throughput})
		in.Duration = max(in.Duration, res.Elapsed)
		in.Partial = in.Partial || res.Partial
		if r.cache != nil {
			in.Caches = append(in.Caches, report.CacheInput{Name: r.t.Name, Stats: r.cache.Stats()})
		}
		out.Workload[r.t.Name] = res
	}
	out.Report = report.Build(in)
	return out
}

func renderStats(o *StatsOptions, runs []*statsRun, started time.Time) error {
	out := buildStats(o, runs, started)
	w := &textfmt.ErrWriter{W: o.IO.Out}
	style := report.Style{Color: o.IO.ColorEnabled()}
	switch o.Format {
	case cmdutil.FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	case cmdutil.FormatMarkdown:
		if err := report.RenderMarkdown(w, out.Report); err != nil {
			return err
		}
		workloadMarkdown(w, o, out)
	default:
		p := paint{style.Color}
		fmt.Fprintln(w, statsTitle(p, o, out))
		fmt.Fprintln(w)
		for _, step := range []func() error{
			func() error { return report.RenderTargetsTable(w, out.Targets, style) },
			func() error { return report.RenderPoolsTable(w, out.Report, style) },
			func() error { return workloadTable(w, p, out) },
			func() error { return report.RenderCachesTable(w, out.Report, style) },
			func() error { return report.RenderRecommendationsTable(w, out.Recommendations(), style) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
	}
	return w.Err
}

// statsTitle is the one-line summary: what ran, for how long, the health.
func statsTitle(p paint, o *StatsOptions, out statsOutput) string {
	model := fmt.Sprintf("closed model, %d workers per target", o.Concurrency)
	if o.Rate > 0 {
		model = fmt.Sprintf("open model, %s/s per target (≤ %d in flight)", fmtCount(o.Rate), o.Concurrency)
	}
	s := fmt.Sprintf("%s · %s · %s · %.1fs measured after a %s warm-up · health %s",
		p.bold("resync pools stats"), out.Timestamp.Format(time.RFC3339), model,
		out.DurationSeconds, o.Warmup, out.OverallHealth)
	if out.Partial {
		s += " · " + p.warn("PARTIAL (interrupted)")
	}
	return s
}

// names lists the measured pools in order.
func (s statsOutput) names() []string {
	var out []string
	for _, n := range s.PoolNames() {
		if _, ok := s.Workload[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// errorClasses writes the non-zero error classes: "12 (timeout 10, reset 2)".
func errorClasses(e workload.ErrorCounts) string {
	if e.Total() == 0 {
		return "0"
	}
	var parts []string
	for _, c := range []struct {
		name string
		n    uint64
	}{{"timeout", e.Timeout}, {"refused", e.Refused}, {"reset", e.Reset}, {"server", e.Server},
		{"canceled", e.Canceled}, {"other", e.Other}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.name, c.n))
		}
	}
	return fmt.Sprintf("%d (%s)", e.Total(), strings.Join(parts, ", "))
}

// workloadTable writes the workload's own figures per pool, then each
// pool's throughput per second as a sparkline.
func workloadTable(w io.Writer, p paint, out statsOutput) error {
	names := out.names()
	if len(names) == 0 {
		return nil
	}
	fmt.Fprintln(w, p.heading("Workload"))
	t := textfmt.NewTable(w, []string{"pool", "model", "operations", "ops/s", "latency ms\np50 / p95 / p99 / max",
		"acquire wait ms\np50 / p95 / p99", "late / dropped", "errors"}, "llrrrrrl", nil)
	for _, n := range names {
		r := out.Workload[n]
		m := out.Pools[n].Metrics
		lateDrop := "–"
		if r.Model == workload.ModelOpen {
			lateDrop = fmt.Sprintf("%d / %d", r.Late, r.Dropped)
		}
		model := r.Model
		if r.Rate > 0 {
			model += " " + fmtCount(r.Rate) + "/s"
		}
		err := t.Append(n, model, fmtCount(float64(r.Operations)), fmtCount(r.Throughput),
			fmtMs(r.Latency.P50)+" / "+fmtMs(r.Latency.P95)+" / "+fmtMs(r.Latency.P99)+" / "+fmtMs(r.Latency.Max),
			fmtMs(m.AcquireWaitMs.P50)+" / "+fmtMs(m.AcquireWaitMs.P95)+" / "+fmtMs(m.AcquireWaitMs.P99),
			lateDrop, errorClasses(r.Errors))
		if err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	fmt.Fprintln(w, p.faint("operations per second, one mark per second (linear, 0 to the peak)"))
	for _, n := range names {
		r := out.Workload[n]
		vals := make([]float64, len(r.Series))
		peak := 0.0
		for i, pt := range r.Series {
			vals[i] = float64(pt.Ops)
			peak = max(peak, vals[i])
		}
		fmt.Fprintf(w, "  %-*s %s  peak %s/s\n", width, n, report.LinearSparkline(vals), fmtCount(peak))
		if st := r.ServiceTime; st != nil {
			fmt.Fprintf(w, "  %-*s %s\n", width, "", p.faint(fmt.Sprintf(
				"open model: latency from each scheduled arrival; service time from the actual start p50 / p99 / max: %s / %s / %s ms",
				fmtMs(st.P50), fmtMs(st.P99), fmtMs(st.Max))))
		}
		for _, class := range slices.Sorted(maps.Keys(r.ErrorSamples)) {
			fmt.Fprintf(w, "  %-*s %s\n", width, "", p.faint(class+": "+r.ErrorSamples[class]))
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

func workloadMarkdown(w io.Writer, o *StatsOptions, out statsOutput) {
	names := out.names()
	if len(names) == 0 {
		return
	}
	mdHead(w, "Workload", []string{"Pool", "Model", "Operations", "Ops/s", "Latency p50 / p95 / p99 / max (ms)",
		"Acquire wait p50 / p95 / p99 (ms)", "Late / dropped", "Errors"}, "llrrrrrl")
	for _, n := range names {
		r := out.Workload[n]
		m := out.Pools[n].Metrics
		lateDrop := "–"
		if r.Model == workload.ModelOpen {
			lateDrop = fmt.Sprintf("%d / %d", r.Late, r.Dropped)
		}
		mdRow(w, n, r.Model, fmtCount(float64(r.Operations)), fmtCount(r.Throughput),
			fmtMs(r.Latency.P50)+" / "+fmtMs(r.Latency.P95)+" / "+fmtMs(r.Latency.P99)+" / "+fmtMs(r.Latency.Max),
			fmtMs(m.AcquireWaitMs.P50)+" / "+fmtMs(m.AcquireWaitMs.P95)+" / "+fmtMs(m.AcquireWaitMs.P99),
			lateDrop, errorClasses(r.Errors))
	}
	fmt.Fprintln(w)
	if o.Rate > 0 {
		fmt.Fprintf(w, "Open model at %s/s per target: latency is measured from each operation's scheduled arrival.\n\n", fmtCount(o.Rate))
	}
}
