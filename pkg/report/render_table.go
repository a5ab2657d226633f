package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/internal/textfmt"
)

// EmbeddedHint tells a newcomer that the report ran against built-in
// targets and how to point resync at real ones.
const EmbeddedHint = "These targets are resync's embedded ones, not yours. Point resync at real targets with " +
	"DATABASE_URL, REDIS_URL and RESYNC_HTTP_URL, or the TARGETS table of settings.toml."

// RenderTable writes the report for people: a summary box (health, scores,
// leaks), the health reasons, then tables of targets, caches, pools (with a
// latency sparkline per pool), potential leaks and recommendations. Empty
// sections are left out. With style.Color off the output is plain text.
func RenderTable(w io.Writer, r *Report, style Style) error {
	ew := &textfmt.ErrWriter{W: w}
	RenderSummary(ew, r, style)
	sections := []func() error{
		func() error { return RenderTargetsTable(ew, r.Targets, style) },
		func() error { return RenderCachesTable(ew, r, style) },
		func() error { return RenderPoolsTable(ew, r, style) },
		func() error { return RenderLeaksTable(ew, r.Resources.PotentialLeaks, style) },
		func() error { return RenderRecommendationsTable(ew, r.Recommendations(), style) },
	}
	for _, s := range sections {
		if err := s(); err != nil {
			return err
		}
	}
	return ew.Err
}

// RenderSummary writes the summary box — time, duration, partial and
// embedded flags, health, each cache's and pool's score and rating, leak
// counts — followed by the health reasons as a bullet list and, for
// embedded targets, EmbeddedHint.
func RenderSummary(w io.Writer, r *Report, style Style) {
	p := painter{style.Color}
	title := p.bold("resync report") + " · " + r.Timestamp.Format("2006-01-02T15:04:05Z07:00") +
		" · ran " + strconv.FormatFloat(r.DurationSeconds, 'f', 1, 64) + "s"
	if r.Partial {
		title += " · " + p.apply(styleYellow.Bold(true), "PARTIAL (interrupted)")
	}
	if r.Embedded {
		title += " · embedded targets"
	}
	lines := []string{title, "Health  " + p.health(r.OverallHealth)}
	if names := r.CacheNames(); len(names) > 0 {
		parts := make([]string, 0, len(names))
		for _, n := range names {
			c := r.Caches[n]
			parts = append(parts, n+" "+p.bold(fmtScore(c.EfficiencyScore))+" "+p.rating(c.Rating))
		}
		lines = append(lines, "Caches  "+strings.Join(parts, " · "))
	}
	if names := r.PoolNames(); len(names) > 0 {
		parts := make([]string, 0, len(names))
		for _, n := range names {
			e := r.Pools[n]
			parts = append(parts, n+" "+p.bold(fmtScore(e.EfficiencyScore))+" "+p.rating(e.Rating))
		}
		lines = append(lines, "Pools   "+strings.Join(parts, " · "))
	}
	bySev := r.Resources.LeaksBySeverity
	leaks := fmt.Sprintf("%d potential", len(r.Resources.PotentialLeaks))
	if n := bySev[SeverityCritical]; n > 0 {
		leaks += " (" + p.severity(SeverityCritical) + ": " + strconv.Itoa(n) + ")"
	}
	lines = append(lines, "Leaks   "+leaks+" · "+strconv.Itoa(r.Resources.ActiveCount)+" resources active")

	fmt.Fprintln(w, p.box(strings.Join(lines, "\n")))
	for _, reason := range r.HealthReasons {
		fmt.Fprintln(w, "  • "+reason)
	}
	if r.Embedded {
		fmt.Fprintln(w, p.faint(EmbeddedHint))
	}
	fmt.Fprintln(w)
}

// RenderTargetsTable writes the targets with their (redacted) URLs and
// whether they answered. Nothing is written when there are none.
func RenderTargetsTable(w io.Writer, targets []Target, style Style) error {
	if len(targets) == 0 {
		return nil
	}
	p := painter{style.Color}
	fmt.Fprintln(w, p.heading("Targets"))
	t := textfmt.NewTable(w, []string{"target", "kind", "url", "status"}, "llll", nil)
	for _, tg := range targets {
		status := p.apply(styleGreen, "reachable")
		if !tg.Reachable {
			status = p.apply(styleRed, "unreachable")
			if tg.Error != "" {
				status += ": " + tg.Error
			}
		}
		if err := t.Append(tg.Name, tg.Kind, tg.URL, status); err != nil {
			return err
		}
	}
	return textfmt.RenderTable(w, t)
}

// RenderCachesTable writes one row per cache: hit rate, eviction rate, mean
// get time, items and memory against their bounds, score and rating.
func RenderCachesTable(w io.Writer, r *Report, style Style) error {
	names := r.CacheNames()
	if len(names) == 0 {
		return nil
	}
	p := painter{style.Color}
	fmt.Fprintln(w, p.heading("Caches"))
	t := textfmt.NewTable(w, []string{"cache", "hit rate", "evictions", "avg get", "items", "memory", "score", "rating"},
		"lrrrrrrl", nil)
	for _, n := range names {
		c := r.Caches[n]
		m := c.Metrics
		err := t.Append(n, textfmt.Percent(m.HitRate), textfmt.Percent(m.EvictionRate), fmtNs(m.AvgAccessNs),
			bounded(strconv.Itoa(m.Items), strconv.Itoa(m.MaxItems), m.MaxItems > 0),
			bounded(fmtBytes(m.MemoryBytes), fmtBytes(m.MaxBytes), m.MaxBytes > 0),
			fmtScore(c.EfficiencyScore), p.rating(c.Rating))
		if err != nil {
			return err
		}
	}
	return textfmt.RenderTable(w, t)
}

func bounded(v, bound string, has bool) string {
	if !has {
		return v
	}
	return v + " / " + bound
}

// RenderPoolsTable writes one row per pool — throughput, operation latency
// p50/p95/p99, acquire wait p95/p99, utilization, active/idle/waiting/max,
// errors, exhaustions, score, rating — then a latency sparkline per pool.
// The pools stats command uses it for its pools-only report.
func RenderPoolsTable(w io.Writer, r *Report, style Style) error {
	names := r.PoolNames()
	if len(names) == 0 {
		return nil
	}
	p := painter{style.Color}
	fmt.Fprintln(w, p.heading("Connection pools"))
	t := textfmt.NewTable(w, []string{"pool", "ops/s", "latency ms\np50 / p95 / p99", "acquire wait ms\np95 / p99",
		"util", "active/idle\n/waiting/max", "errors", "exhaust", "score", "rating"},
		"lrrrrrrrrl", nil)
	for _, n := range names {
		e := r.Pools[n]
		m := e.Metrics
		latency := "–"
		if m.LatencyMs != nil {
			latency = fmtMsTriple(m.LatencyMs.P50, m.LatencyMs.P95, m.LatencyMs.P99)
		}
		errs := u64(m.Errors)
		if m.Errors > 0 {
			errs += " (" + textfmt.Percent(m.ErrorRate) + ")"
		}
		err := t.Append(n, fmtRate(m.ThroughputPerS), latency,
			fmtMs(m.AcquireWaitMs.P95)+" / "+fmtMs(m.AcquireWaitMs.P99),
			textfmt.Percent(m.Utilization),
			fmt.Sprintf("%d/%d/%d/%d", m.Active, m.Idle, m.Waiting, m.MaxSize),
			errs, u64(m.Exhaustions), fmtScore(e.EfficiencyScore), p.rating(e.Rating))
		if err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	renderLatencyLines(w, r, names, p)
	fmt.Fprintln(w)
	return nil
}

// renderLatencyLines draws, per pool, a sparkline of p50 → p95 → p99 → max:
// operation latency when the workload measured it, acquire wait otherwise.
func renderLatencyLines(w io.Writer, r *Report, names []string, p painter) {
	width := 0
	for _, n := range names {
		width = max(width, len([]rune(n)))
	}
	fmt.Fprintln(w, p.faint("latency ms, p50 → p95 → p99 → max (log scale)"))
	for _, n := range names {
		m := r.Pools[n].Metrics
		q, what := m.AcquireWaitMs, "acquire wait"
		if m.LatencyMs != nil {
			q, what = *m.LatencyMs, "operation"
		}
		vals := []float64{q.P50, q.P95, q.P99, q.Max}
		fmt.Fprintf(w, "  %-*s %s  %s · %s · %s · %s  %s\n", width, n, p.apply(styleCyan, Sparkline(vals)),
			fmtMs(q.P50), fmtMs(q.P95), fmtMs(q.P99), fmtMs(q.Max), p.faint(what))
	}
}

// RenderLeaksTable writes potential leaks, most severe and oldest first as
// given: severity, source, kind, id, owner, age, whether it was released
// later, and its evidence. The leaks command uses it. Nothing is written
// when there are none.
func RenderLeaksTable(w io.Writer, leaks []Leak, style Style) error {
	if len(leaks) == 0 {
		return nil
	}
	p := painter{style.Color}
	fmt.Fprintln(w, p.heading(fmt.Sprintf("Potential leaks (%d)", len(leaks))))
	t := textfmt.NewTable(w, []string{"severity", "source", "kind", "id", "owner", "age", "state", "evidence"},
		"llllllll", map[int]int{4: 24, 7: 48})
	for _, l := range leaks {
		state := "held"
		if l.Resolved {
			state = "released late"
		}
		err := t.Append(p.severity(l.Severity), l.Source, l.Kind, l.ID, l.Owner,
			fmtSeconds(l.LifetimeSeconds), state, truncate(oneLine(fmtEvidence(l.Evidence)), 96))
		if err != nil {
			return err
		}
	}
	return textfmt.RenderTable(w, t)
}

// RenderRecommendationsTable writes recommendations in the order given
// (Report.Recommendations sorts them): severity, subject, message and the
// setting to paste. Nothing is written when there are none.
func RenderRecommendationsTable(w io.Writer, recs []Recommendation, style Style) error {
	if len(recs) == 0 {
		return nil
	}
	p := painter{style.Color}
	fmt.Fprintln(w, p.heading("Recommendations"))
	t := textfmt.NewTable(w, []string{"severity", "subject", "message", "suggestion"}, "llll", map[int]int{2: 60, 3: 40})
	for _, rec := range recs {
		if err := t.Append(p.severity(rec.Severity), rec.Subject, rec.Message, p.bold(rec.Suggestion)); err != nil {
			return err
		}
	}
	return textfmt.RenderTable(w, t)
}
