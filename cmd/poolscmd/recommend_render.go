package poolscmd

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/textfmt"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// recommendOutput is the JSON of "pools recommend".
type recommendOutput struct {
	SchemaVersion int                      `json:"schema_version"`
	Timestamp     time.Time                `json:"timestamp"`
	Partial       bool                     `json:"partial"`
	Targets       []report.Target          `json:"targets"`
	Pools         map[string]recommendPool `json:"connection_pools"`
}

// recommendPool is one pool's sweep, its recommendation as report
// recommendations, and the settings to paste.
type recommendPool struct {
	*sizing.Result
	Notes           []string                `json:"notes"`
	Settings        map[string]int          `json:"settings"` // e.g. DB_POOL_MAX_SIZE → 16
	Recommendations []report.Recommendation `json:"recommendations"`
}

func buildRecommend(runs []*recommendRun, started time.Time, partial bool) recommendOutput {
	out := recommendOutput{SchemaVersion: report.SchemaVersion, Timestamp: started.UTC().Truncate(time.Second),
		Partial: partial, Targets: []report.Target{}, Pools: map[string]recommendPool{}}
	for _, r := range runs {
		tg := report.Target{Name: r.t.Name, Kind: r.t.Kind, URL: r.t.Redacted(), Reachable: r.err == nil}
		if r.err != nil {
			tg.Error = config.RedactText(r.err.Error())
		}
		out.Targets = append(out.Targets, tg)
		if r.result == nil {
			continue
		}
		p := recommendPool{Result: r.result, Notes: append([]string{}, r.notes...), Settings: map[string]int{},
			Recommendations: []report.Recommendation{}}
		if rec := r.result.Recommendation; rec != nil {
			prefix := report.EnvPrefix(r.t.Kind)
			minKey, maxKey := setting(prefix, "MIN_SIZE"), setting(prefix, "MAX_SIZE")
			p.Settings[minKey], p.Settings[maxKey] = rec.Min, rec.Max
			p.Recommendations = recommendations(r, minKey, maxKey)
		}
		out.Pools[r.t.Name] = p
	}
	return out
}

func setting(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "_" + name
}

// recommendations states the measured sizes as report recommendations, with
// their evidence, beside the configured ones.
func recommendations(r *recommendRun, minKey, maxKey string) []report.Recommendation {
	res, rec := r.result, r.result.Recommendation
	ev := map[string]float64{
		"peak_throughput_per_s": round(res.PeakThroughput, 1),
		"peak_size":             float64(res.PeakSize),
		"expected_rate":         round(res.ExpectedRate, 1),
		"configured_min":        float64(r.t.Pool.MinSize),
		"configured_max":        float64(r.t.Pool.MaxSize),
	}
	if st, ok := res.Step(rec.Max); ok {
		ev["throughput_at_max_per_s"] = round(st.Throughput, 1)
	}
	if n := len(res.Checks); n > 0 {
		c := res.Checks[n-1]
		ev["acquire_wait_p99_ms_at_expected"] = round(c.AcquireWaitP99Ms, 3)
		ev["mean_hold_ms_at_expected"] = round(c.HoldMeanMs, 3)
	}
	if f := res.Fit; f != nil {
		ev["usl_sigma"], ev["usl_kappa"], ev["usl_r2"] = round(f.Sigma, 6), f.Kappa, round(f.R2, 4)
	}
	if res.Limit != nil {
		ev["server_limit"] = float64(res.Limit.Max)
	}
	sev := report.SeverityInfo
	if !rec.WaitMet {
		sev = report.SeverityWarning
	}
	out := []report.Recommendation{{
		ID: "pool.measured_max", Severity: sev, Subject: r.t.Name,
		Message:    fmt.Sprintf("Set the max to %d (configured %d): %s.", rec.Max, r.t.Pool.MaxSize, rec.MaxReason),
		Evidence:   ev,
		Suggestion: fmt.Sprintf("%s=%d", maxKey, rec.Max),
	}}
	if rec.Min > 0 {
		out = append(out, report.Recommendation{
			ID: "pool.measured_min", Severity: report.SeverityInfo, Subject: r.t.Name,
			Message:    fmt.Sprintf("Set the min to %d (configured %d): %s.", rec.Min, r.t.Pool.MinSize, rec.MinReason),
			Evidence:   ev,
			Suggestion: fmt.Sprintf("%s=%d", minKey, rec.Min),
		})
	}
	return out
}

func round(x float64, n int) float64 {
	p := 1.0
	for range n {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

func renderRecommend(o *RecommendOptions, runs []*recommendRun, started time.Time, partial bool) error {
	out := buildRecommend(runs, started, partial)
	w := &textfmt.ErrWriter{W: o.IO.Out}
	switch o.Format {
	case cmdutil.FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	case cmdutil.FormatMarkdown:
		recommendMarkdown(w, out, runs)
	default:
		if err := recommendTable(w, paint{o.IO.ColorEnabled()}, out, runs); err != nil {
			return err
		}
	}
	return w.Err
}

func recommendTable(w io.Writer, p paint, out recommendOutput, runs []*recommendRun) error {
	title := p.bold("resync pools recommend") + " · " + out.Timestamp.Format(time.RFC3339)
	if out.Partial {
		title += " · " + p.warn("PARTIAL (interrupted)")
	}
	fmt.Fprintln(w, title)
	fmt.Fprintln(w)
	if err := report.RenderTargetsTable(w, out.Targets, report.Style{Color: p.on}); err != nil {
		return err
	}
	for _, r := range runs {
		pool, ok := out.Pools[r.t.Name]
		if !ok {
			continue
		}
		res := pool.Result
		fmt.Fprintln(w, p.heading(fmt.Sprintf("%s · %s", r.t.Name, r.t.Redacted())))
		fmt.Fprintln(w, p.faint(sweepSummary(res)))
		t := textfmt.NewTable(w, []string{"size", "phase", "ops/s", "gain", "latency p99 ms", "acquire wait p99 ms", "hold mean ms", "util", "errors"}, "rlrrrrrrr", nil)
		for _, s := range res.Steps {
			gain := fmtGain(s)
			errs := fmt.Sprint(s.Errors)
			if s.Error != "" {
				errs = "failed: " + truncate(s.Error, 40)
			}
			if err := t.Append(fmt.Sprint(s.Size), fmtPhase(s), fmtCount(s.Throughput), gain, fmtMs(s.LatencyP99Ms),
				fmtMs(s.AcquireWaitP99Ms), fmtMs(s.HoldMeanMs), textfmt.Percent(s.Utilization), errs); err != nil {
				return err
			}
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
		if chart := uslChart(res); chart != "" {
			fmt.Fprint(w, chart)
			fmt.Fprintln(w)
		}
		for _, line := range evidenceLines(res, pool.Notes) {
			fmt.Fprintln(w, "  "+line)
		}
		fmt.Fprintln(w)
		if rec := res.Recommendation; rec != nil {
			fmt.Fprintf(w, "  %s — %s\n", p.bold(fmt.Sprintf("max %d", rec.Max)), rec.MaxReason+".")
			fmt.Fprintf(w, "  %s — %s\n\n", p.bold(fmt.Sprintf("min %d", rec.Min)), rec.MinReason+".")
			fmt.Fprintln(w, p.faint("  Settings to paste (environment or [default.CONNECTION_POOL] of settings.toml):"))
			for _, k := range settingKeys(pool.Settings) {
				fmt.Fprintf(w, "    %s\n", p.bold(fmt.Sprintf("%s=%d", k, pool.Settings[k])))
			}
		} else {
			fmt.Fprintln(w, p.warn("  no recommendation: no step of the sweep completed ("+res.StopReason+")"))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// sweepSummary says how the sweep was run and why it stopped.
func sweepSummary(res *sizing.Result) string {
	s := fmt.Sprintf("sweep up to %d (configured max %d) · %d workers saturating each step · %.1fs per step · %s",
		res.SweepMax, res.ConfiguredMax, res.Concurrency, res.StepSeconds, res.StopReason)
	return s
}

// evidenceLines are the fit, the server limit, the wait checks and notes.
func evidenceLines(res *sizing.Result, notes []string) []string {
	var out []string
	if f := res.Fit; f != nil {
		line := fmt.Sprintf("USL fit: σ = %.4g (contention), κ = %.3g (coherency), λ = %s/s per connection, R² = %.3f",
			f.Sigma, f.Kappa, fmtCount(f.Lambda), f.R2)
		if f.PeakN > 0 {
			line += fmt.Sprintf(" · fitted peak %s/s at %.0f connections", fmtCount(f.PeakThroughput), f.PeakN)
		} else {
			line += " · no fitted peak (κ = 0: throughput never turns down)"
		}
		out = append(out, line)
	} else if res.FitError != "" {
		out = append(out, "USL fit: "+res.FitError)
	}
	if l := res.Limit; l != nil {
		out = append(out, fmt.Sprintf("server limit: %d connections (%s) shared by %d instance(s) → at most %d each",
			l.Max, l.Source, res.Instances, max(1, l.Max/res.Instances)))
	}
	for _, c := range res.Checks {
		verdict := "passed"
		if !c.Passed {
			verdict = "failed"
		}
		out = append(out, fmt.Sprintf("wait check: size %d at %s/s → acquire wait p99 %s ms (bound %s ms), mean hold %s ms, %d late, %d dropped: %s",
			c.Size, fmtCount(c.Rate), fmtMs(c.AcquireWaitP99Ms), fmtMs(res.WaitP99Ms), fmtMs(c.HoldMeanMs), c.Late, c.Dropped, verdict))
	}
	if res.ExpectedRateDefaulted && res.ExpectedRate > 0 {
		out = append(out, fmt.Sprintf("expected rate %s/s is half the measured peak: pass --expected-rate for your real load", fmtCount(res.ExpectedRate)))
	}
	return append(out, notes...)
}

// settingKeys orders the settings min first.
func settingKeys(m map[string]int) []string {
	var keys []string
	for k := range m {
		if strings.HasSuffix(k, "MIN_SIZE") {
			keys = append([]string{k}, keys...)
		} else {
			keys = append(keys, k)
		}
	}
	return keys
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func recommendMarkdown(w io.Writer, out recommendOutput, runs []*recommendRun) {
	fmt.Fprintf(w, "## resync pools recommend\n\n%s", out.Timestamp.Format(time.RFC3339))
	if out.Partial {
		fmt.Fprint(w, " · **partial (interrupted)**")
	}
	fmt.Fprint(w, "\n\n")
	for _, tg := range out.Targets {
		if !tg.Reachable {
			fmt.Fprintf(w, "- **%s unreachable** (`%s`): %s\n\n", tg.Name, tg.URL, tg.Error)
		}
	}
	for _, r := range runs {
		pool, ok := out.Pools[r.t.Name]
		if !ok {
			continue
		}
		res := pool.Result
		mdHead(w, fmt.Sprintf("%s (`%s`)", r.t.Name, r.t.Redacted()),
			[]string{"Size", "Phase", "Ops/s", "Gain", "Latency p99 (ms)", "Acquire wait p99 (ms)", "Hold mean (ms)", "Utilization", "Errors"}, "rlrrrrrrr")
		for _, s := range res.Steps {
			gain := fmtGain(s)
			mdRow(w, fmt.Sprint(s.Size), fmtPhase(s), fmtCount(s.Throughput), gain, fmtMs(s.LatencyP99Ms),
				fmtMs(s.AcquireWaitP99Ms), fmtMs(s.HoldMeanMs), textfmt.Percent(s.Utilization), fmt.Sprint(s.Errors))
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s\n\n", sweepSummary(res))
		if chart := uslChart(res); chart != "" {
			fmt.Fprintf(w, "```\n%s```\n\n", chart)
		}
		for _, line := range evidenceLines(res, pool.Notes) {
			fmt.Fprintf(w, "- %s\n", line)
		}
		fmt.Fprintln(w)
		if rec := res.Recommendation; rec != nil {
			fmt.Fprintf(w, "**max %d**: %s.\n\n**min %d**: %s.\n\n", rec.Max, rec.MaxReason, rec.Min, rec.MinReason)
			fmt.Fprint(w, "```\n")
			for _, k := range settingKeys(pool.Settings) {
				fmt.Fprintf(w, "%s=%d\n", k, pool.Settings[k])
			}
			fmt.Fprint(w, "```\n\n")
		}
	}
}

// fmtGain is a sweep step's gain over the previous one: "+100%", "0%".
func fmtGain(s sizing.Step) string {
	if s.Phase != sizing.PhaseSweep || s.Size == 1 {
		return "–"
	}
	g := math.Round(s.Gain * 100)
	if g == 0 {
		return "0%"
	}
	return fmt.Sprintf("%+.0f%%", g)
}

// fmtPhase is the step's phase, with the number of runs when it was
// measured again ("refine ×2": the best of two runs).
func fmtPhase(s sizing.Step) string {
	if s.Runs > 1 {
		return fmt.Sprintf("%s ×%d", s.Phase, s.Runs)
	}
	return s.Phase
}
