package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// Sizing is what `resync pools recommend` prints: per pool the measured
// sweep, its recommended sizes as recommendations with their evidence, and
// the settings to paste. Its JSON is documented in schema/sizing.schema.json.
type Sizing struct {
	SchemaVersion int                   `json:"schema_version"`
	Timestamp     time.Time             `json:"timestamp"`
	Partial       bool                  `json:"partial"`
	Embedded      bool                  `json:"embedded"` // built-in targets, not the user's
	Targets       []Target              `json:"targets"`
	Pools         map[string]SizingPool `json:"connection_pools"`
	// Thresholds are the --threshold checks on the figures of each pool's
	// recommended size; absent when none was given.
	Thresholds []threshold.Result `json:"thresholds,omitempty"`

	order []string // pools in the order they were swept
}

// SizingPool is one pool's sweep and what it recommends.
type SizingPool struct {
	*sizing.Result
	Notes           []string         `json:"notes"`
	Settings        map[string]int   `json:"settings"` // e.g. DB_POOL_MAX_SIZE → 16
	Recommendations []Recommendation `json:"recommendations"`
	URL             string           `json:"-"` // redacted, for headings
}

// SizingInput is one target's part of a sweep.
type SizingInput struct {
	Target Target // redacted; Reachable false when it did not answer
	// ConfiguredMin and ConfiguredMax are the pool settings the sweep
	// started from.
	ConfiguredMin, ConfiguredMax int
	Notes                        []string
	Result                       *sizing.Result // nil when the target was not swept
}

// BuildSizing turns a sweep's results into the command's result.
func BuildSizing(started time.Time, partial bool, in []SizingInput) *Sizing {
	out := &Sizing{SchemaVersion: SchemaVersion, Timestamp: started.UTC().Truncate(time.Second),
		Partial: partial, Targets: []Target{}, Pools: map[string]SizingPool{}}
	for _, t := range in {
		out.Targets = append(out.Targets, t.Target)
		if t.Result == nil {
			continue
		}
		p := SizingPool{Result: t.Result, Notes: append([]string{}, t.Notes...), Settings: map[string]int{},
			Recommendations: []Recommendation{}, URL: t.Target.URL}
		if rec := t.Result.Recommendation; rec != nil {
			prefix := EnvPrefix(t.Target.Kind)
			minKey, maxKey := setting(prefix, "MIN_SIZE"), setting(prefix, "MAX_SIZE")
			p.Settings[minKey], p.Settings[maxKey] = rec.Min, rec.Max
			p.Recommendations = sizingRecommendations(t, minKey, maxKey)
		}
		out.Pools[t.Target.Name] = p
		out.order = append(out.order, t.Target.Name)
	}
	return out
}

// sizingRecommendations state the measured sizes as recommendations, with
// their evidence, beside the configured ones. A max whose wait bound was
// not met is a warning.
func sizingRecommendations(in SizingInput, minKey, maxKey string) []Recommendation {
	res, rec, name := in.Result, in.Result.Recommendation, in.Target.Name
	ev := map[string]float64{
		"peak_throughput_per_s": round(res.PeakThroughput, 1),
		"peak_size":             float64(res.PeakSize),
		"expected_rate":         round(res.ExpectedRate, 1),
		"configured_min":        float64(in.ConfiguredMin),
		"configured_max":        float64(in.ConfiguredMax),
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
	sev := SeverityInfo
	if !rec.WaitMet {
		sev = SeverityWarning
	}
	out := []Recommendation{{
		ID: "pool.measured_max", Severity: sev, Subject: name,
		Message:    fmt.Sprintf("Set the max to %d (configured %d): %s.", rec.Max, in.ConfiguredMax, rec.MaxReason),
		Evidence:   ev,
		Suggestion: fmt.Sprintf("%s=%d", maxKey, rec.Max),
	}}
	if rec.Min > 0 {
		out = append(out, Recommendation{
			ID: "pool.measured_min", Severity: SeverityInfo, Subject: name,
			Message:    fmt.Sprintf("Set the min to %d (configured %d): %s.", rec.Min, in.ConfiguredMin, rec.MinReason),
			Evidence:   ev,
			Suggestion: fmt.Sprintf("%s=%d", minKey, rec.Min),
		})
	}
	return out
}

// PoolNames lists the swept pools in sweep order.
func (s *Sizing) PoolNames() []string {
	if len(s.order) == len(s.Pools) {
		return s.order
	}
	return sortedKeys(s.Pools)
}

// Doc presents the sweep: targets, then per pool its steps, the USL
// picture, the evidence, the recommendation and the settings to paste.
func (s *Sizing) Doc() *output.Doc {
	title := output.S("resync pools recommend · " + s.Timestamp.Format(time.RFC3339))
	if s.Partial {
		title = append(title, output.Span{Text: " · "}, output.Span{Text: "PARTIAL (interrupted)", Tone: output.Notice})
	}
	d := &output.Doc{Title: embeddedTitle(title, s.Embedded)}
	addEmbeddedHint(d, s.Embedded)
	d.Add(ThresholdsTable(s.Thresholds), TargetsTable(s.Targets))
	for _, name := range s.PoolNames() {
		p := s.Pools[name]
		res := p.Result
		d.Add(output.Heading{Text: name + " · " + p.URL}, output.Para{Text: output.S(sweepSummary(res)), Faint: true})
		t := output.NewTable("", output.Num("size"), output.Col("phase"), output.Num("ops/s"), output.Num("gain"),
			output.Num("latency\np99 ms"), output.Num("acquire wait\np99 ms"), output.Num("hold mean\nms").AsDetail(),
			output.Num("util"), output.Wrapped("errors", 8))
		for _, st := range res.Steps {
			errs := output.Uint(st.Errors)
			if st.Error != "" {
				errs = "failed: " + output.Truncate(st.Error, 40)
			}
			t.Row(output.S(output.Int(st.Size)), output.S(fmtPhase(st)), output.S(output.Count(st.Throughput)),
				output.S(fmtGain(st)), output.S(output.Ms(st.LatencyP99Ms)), output.S(output.Ms(st.AcquireWaitP99Ms)),
				output.S(output.Ms(st.HoldMeanMs)), output.S(output.Percent(st.Utilization)), output.S(errs))
		}
		d.Add(t, uslChart(res))
		var ev []output.Spans
		for _, l := range sizingEvidence(res, p.Notes) {
			ev = append(ev, output.S(l))
		}
		if len(ev) > 0 {
			d.Add(output.List{Items: ev})
		}
		rec := res.Recommendation
		if rec == nil {
			d.Add(output.Para{Text: output.T(output.Warn, "no recommendation: no step of the sweep completed ("+res.StopReason+")")})
			continue
		}
		d.Add(output.List{Items: []output.Spans{
			output.Join(" — ", output.T(output.Strong, fmt.Sprintf("max %d", rec.Max)), output.S(rec.MaxReason+".")),
			output.Join(" — ", output.T(output.Strong, fmt.Sprintf("min %d", rec.Min)), output.S(rec.MinReason+".")),
		}})
		pre := output.Pre{Caption: "Settings to paste (environment or [default.CONNECTION_POOL] of settings.toml):"}
		for _, k := range settingKeys(p.Settings) {
			pre.Lines = append(pre.Lines, fmt.Sprintf("%s=%d", k, p.Settings[k]))
		}
		d.Add(pre)
	}
	return d
}

// uslChart is throughput against pool size: the measured steps, the fitted
// USL curve, the recommended max.
func uslChart(res *sizing.Result) *output.Chart {
	if len(res.Steps) == 0 {
		return nil
	}
	c := &output.Chart{Title: "throughput by pool size", Kind: output.Line, XLabel: "pool size", YLabel: "ops/s"}
	measured := output.Series{Name: "measured"}
	steps := slices.Clone(res.Steps)
	slices.SortStableFunc(steps, func(a, b sizing.Step) int { return a.Size - b.Size })
	for _, st := range steps {
		measured.Points = append(measured.Points, output.Point{X: float64(st.Size), Y: st.Throughput,
			Label: fmt.Sprintf("size %d", st.Size), Text: output.Count(st.Throughput) + " ops/s"})
	}
	c.Series = append(c.Series, measured)
	maxN := float64(steps[len(steps)-1].Size)
	if f := res.Fit; f != nil && maxN >= 1 {
		fit := output.Series{Name: "USL fit", Fit: true}
		const samples = 112
		for i := range samples {
			n := 1 + (maxN-1)*float64(i)/float64(samples-1)
			fit.Points = append(fit.Points, output.Point{X: n, Y: f.Throughput(n)})
		}
		c.Series = append(c.Series, fit)
	}
	if rec := res.Recommendation; rec != nil && rec.Max > 0 && float64(rec.Max) <= maxN {
		c.Marks = []output.Mark{{Value: float64(rec.Max), Label: "recommended max"}}
	}
	return c
}

// sweepSummary says how the sweep was run and why it stopped.
func sweepSummary(res *sizing.Result) string {
	return fmt.Sprintf("sweep up to %d (configured max %d) · %d workers saturating each step · %.1fs per step · %s",
		res.SweepMax, res.ConfiguredMax, res.Concurrency, res.StepSeconds, res.StopReason)
}

// sizingEvidence are the fit, the server limit, the wait checks and notes.
func sizingEvidence(res *sizing.Result, notes []string) []string {
	var out []string
	if f := res.Fit; f != nil {
		line := fmt.Sprintf("USL fit: σ = %.4g (contention), κ = %.3g (coherency), λ = %s/s per connection, R² = %.3f",
			f.Sigma, f.Kappa, output.Count(f.Lambda), f.R2)
		if f.PeakN > 0 {
			line += fmt.Sprintf(" · fitted peak %s/s at %.0f connections", output.Count(f.PeakThroughput), f.PeakN)
		} else {
			line += " · no fitted peak (κ = 0: throughput never turns down)"
		}
		out = append(out, line)
	} else if res.FitError != "" {
		out = append(out, "USL fit: "+res.FitError)
	}
	if l := res.Limit; l != nil {
		out = append(out, fmt.Sprintf("server limit: %d connections (%s), %d in use by others, %d kept free, shared by %d instance(s) → at most %d each",
			l.Max, l.Source, l.InUse, l.Margin, res.Instances, res.Budget))
	}
	if r := res.Refusal; r != nil {
		out = append(out, fmt.Sprintf("finding: the server refused connections at size %d (%s); that step is not counted", r.Size, r.Message))
	}
	for _, w := range res.Warnings {
		if res.Refusal == nil || !strings.HasPrefix(w, "the server refused") {
			out = append(out, "warning: "+w)
		}
	}
	if res.Confidence != "" {
		line := "confidence: " + res.Confidence
		if rec := res.Recommendation; rec != nil && rec.DecidedBy != "" {
			line += " · max decided by " + rec.DecidedBy
		}
		out = append(out, line)
	}
	for _, c := range res.Checks {
		verdict := "passed"
		if !c.Passed {
			verdict = "failed"
		}
		out = append(out, fmt.Sprintf("wait check: size %d at %s/s → acquire wait p99 %s ms (bound %s ms), mean hold %s ms, %d late, %d dropped: %s",
			c.Size, output.Count(c.Rate), output.Ms(c.AcquireWaitP99Ms), output.Ms(res.WaitP99Ms), output.Ms(c.HoldMeanMs),
			c.Late, c.Dropped, verdict))
	}
	if res.ExpectedRateDefaulted && res.ExpectedRate > 0 {
		out = append(out, fmt.Sprintf("expected rate %s/s is half the measured peak: pass --expected-rate for your real load",
			output.Count(res.ExpectedRate)))
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

// fmtGain is a sweep step's gain over the previous one: "+100%", "0%".
func fmtGain(s sizing.Step) string {
	if s.Phase != sizing.PhaseSweep || s.Size == 1 {
		return output.Dash
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
