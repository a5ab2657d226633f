package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
)

// EmbeddedHint tells a newcomer that the report ran against built-in
// targets and how to point resync at real ones.
const EmbeddedHint = "These targets are resync's embedded ones, not yours. Point resync at real targets with " +
	"DATABASE_URL, REDIS_URL and RESYNC_HTTP_URL, or the TARGETS table of settings.toml."

// Doc presents the report: a summary (health, each cache's and pool's
// score, leak counts), the health reasons, then targets, caches, pools
// with their latency and acquire-wait pictures, potential leaks and
// recommendations. Empty sections are left out.
func (r *Report) Doc() *output.Doc {
	d := &output.Doc{Title: r.title("resync report")}
	d.Add(r.Summary())
	if len(r.HealthReasons) > 0 {
		items := make([]output.Spans, len(r.HealthReasons))
		for i, reason := range r.HealthReasons {
			items[i] = output.S(reason)
		}
		d.Add(output.List{Items: items})
	}
	addEmbeddedHint(d, r.Embedded)
	d.Add(ThresholdsTable(r.Thresholds))
	d.Add(TargetsTable(r.Targets), r.CachesTable())
	d.Add(r.PoolBlocks()...)
	d.Add(LeaksTable(r.Resources.PotentialLeaks), RecommendationsTable(r.Recommendations()))
	return d
}

// title is "<what> · time · ran 3.0s", with the partial and embedded flags.
func (r *Report) title(what string) output.Spans {
	t := output.S(what + " · " + r.Timestamp.Format(time.RFC3339) + " · ran " +
		strconv.FormatFloat(r.DurationSeconds, 'f', 1, 64) + "s")
	if r.Partial {
		t = append(t, output.Span{Text: " · "}, output.Span{Text: "PARTIAL (interrupted)", Tone: output.Notice})
	}
	return embeddedTitle(t, r.Embedded)
}

// embeddedTitle marks a title " · embedded targets" when embedded.
func embeddedTitle(t output.Spans, embedded bool) output.Spans {
	if embedded {
		t = append(t, output.Span{Text: " · embedded targets"})
	}
	return t
}

// addEmbeddedHint adds EmbeddedHint to d when embedded.
func addEmbeddedHint(d *output.Doc, embedded bool) {
	if embedded {
		d.Add(output.Para{Text: output.S(EmbeddedHint), Faint: true})
	}
}

// Summary is the report's overview box: health, scores, leaks.
func (r *Report) Summary() output.Summary {
	s := output.Summary{Lines: []output.SummaryLine{
		{Label: "Health", Value: output.T(output.HealthTone(r.OverallHealth), strings.ToUpper(r.OverallHealth))},
	}}
	scores := func(names []string, score func(string) (float64, string)) output.Spans {
		var parts []output.Spans
		for _, n := range names {
			sc, rating := score(n)
			if rating == RatingNoTraffic {
				parts = append(parts, output.Join(" ", output.S(n), output.T(output.Faint, rating)))
				continue
			}
			parts = append(parts, output.Join(" ", output.S(n), output.T(output.Strong, output.Score(sc)), output.Rating(rating)))
		}
		return output.Join(" · ", parts...)
	}
	if names := r.CacheNames(); len(names) > 0 {
		s.Lines = append(s.Lines, output.SummaryLine{Label: "Caches", Value: scores(names, func(n string) (float64, string) {
			return r.Caches[n].EfficiencyScore, r.Caches[n].Rating
		})})
	}
	if names := r.PoolNames(); len(names) > 0 {
		s.Lines = append(s.Lines, output.SummaryLine{Label: "Pools", Value: scores(names, func(n string) (float64, string) {
			return r.Pools[n].EfficiencyScore, r.Pools[n].Rating
		})})
	}
	leaks := output.S(fmt.Sprintf("%d potential", len(r.Resources.PotentialLeaks)))
	if n := r.Resources.LeaksBySeverity[SeverityCritical]; n > 0 {
		leaks = append(leaks, output.Span{Text: " ("}, output.Span{Text: SeverityCritical, Tone: output.Alarm},
			output.Span{Text: ": " + strconv.Itoa(n) + ")"})
	}
	leaks = append(leaks, output.Span{Text: " · " + strconv.Itoa(r.Resources.ActiveCount) + " resources active"})
	s.Lines = append(s.Lines, output.SummaryLine{Label: "Leaks", Value: leaks})
	return s
}

// TargetsTable lists targets with their (redacted) URLs and whether they
// answered (or answered, but failed every operation); nil when there are none.
func TargetsTable(targets []Target) *output.Table {
	if len(targets) == 0 {
		return nil
	}
	t := output.NewTable("Targets", output.Col("target"), output.Col("kind"), output.Wrapped("url", 24),
		output.Wrapped("status", 12))
	for _, tg := range targets {
		status := output.T(output.Good, "reachable")
		if tg.Reachable && tg.Error != "" {
			// Answered, but every operation failed (a bad query, an
			// unknown command): the run stopped it at once.
			status = append(output.T(output.Bad, "failed"), output.Span{Text: ": " + tg.Error})
		}
		if !tg.Reachable {
			status = output.T(output.Bad, "unreachable")
			if tg.Error != "" {
				status = append(status, output.Span{Text: ": " + tg.Error})
			}
		}
		t.Row(output.S(tg.Name), output.S(tg.Kind), output.Code(tg.URL), status)
	}
	return t
}

// CachesTable has one row per cache; nil when there is none.
func (r *Report) CachesTable() *output.Table {
	names := r.CacheNames()
	if len(names) == 0 {
		return nil
	}
	t := output.NewTable("Caches", output.Col("cache"), output.Num("hit rate"), output.Num("evictions"),
		output.Num("avg get").AsDetail(), output.Num("items").AsDetail(), output.Num("memory"), output.Col("score"))
	for _, n := range names {
		c := r.Caches[n]
		m := c.Metrics
		t.Row(output.S(n), output.S(output.Percent(m.HitRate)), output.S(output.Percent(m.EvictionRate)),
			output.S(output.Ns(m.AvgAccessNs)),
			output.S(bounded(strconv.Itoa(m.Items), strconv.Itoa(m.MaxItems), m.MaxItems > 0)),
			output.S(bounded(output.Bytes(m.MemoryBytes), output.Bytes(m.MaxBytes), m.MaxBytes > 0)),
			scoreCell(c.EfficiencyScore, c.Rating))
	}
	return t
}

func bounded(v, bound string, has bool) string {
	if !has {
		return v
	}
	return v + " / " + bound
}

// scoreCell is "61.6 good", the rating in its tone; "no traffic" alone for
// an observed entry that was not scored.
func scoreCell(score float64, rating string) output.Spans {
	if rating == RatingNoTraffic {
		return output.T(output.Faint, rating)
	}
	return output.Join(" ", output.S(output.Score(score)), output.Rating(rating))
}

// PoolBlocks are the pools table and its pictures: a latency line per pool
// (p50 → p95 → p99 → max of the operation when the workload measured it,
// of the acquire wait otherwise) and, for HTML, each pool's acquire-wait
// and operation-latency histograms.
func (r *Report) PoolBlocks() []output.Block {
	names := r.PoolNames()
	if len(names) == 0 {
		return nil
	}
	t := output.NewTable("Connection pools", output.Col("pool"), output.Num("ops/s"),
		output.Num("latency ms\np50 / p95 / p99").AsDetail(), output.Num("acquire wait\nms p95 / p99"),
		output.Num("util"), output.Num("active/idle\n/waiting/max").AsDetail(), output.Num("errors"),
		output.Num("exhaust").AsDetail(), output.Col("score"))
	lat := &output.Chart{Title: "latency ms, p50 → p95 → p99 → max (log scale)", Kind: output.Spark, LogY: true, Unit: "ms"}
	blocks := []output.Block{t, lat}
	for _, n := range names {
		e := r.Pools[n]
		m := e.Metrics
		latency := output.Dash
		if m.LatencyMs != nil {
			latency = output.MsList(m.LatencyMs.P50, m.LatencyMs.P95, m.LatencyMs.P99)
		}
		errs := output.Uint(m.Errors)
		if m.Errors > 0 {
			errs += " (" + output.Percent(m.ErrorRate) + ")"
		}
		// An observed pool whose source has no acquire wait shows none
		// rather than zeros, and no latency line.
		noWait := m.LatencyMs == nil && slices.Contains(e.MissingMetrics, MetricAcquireWait)
		wait := output.MsList(m.AcquireWaitMs.P95, m.AcquireWaitMs.P99)
		if noWait {
			wait = output.Dash
		}
		t.Row(output.S(n), output.S(output.Count(m.ThroughputPerS)), output.S(latency),
			output.S(wait), output.S(output.Percent(m.Utilization)),
			output.S(fmt.Sprintf("%d/%d/%d/%d", m.Active, m.Idle, m.Waiting, m.MaxSize)),
			output.S(errs), output.S(output.Uint(m.Exhaustions)), scoreCell(e.EfficiencyScore, e.Rating))

		if !noWait {
			lat.Series = append(lat.Series, latencySeries(n, m))
		}

		if bins := m.WaitHistogram(); len(bins) > 0 {
			h := &output.Chart{Title: n + ": acquire wait histogram (acquires per bucket)", Kind: output.Bars,
				YLabel: "acquires", TextHidden: true}
			hs := output.Series{Name: "acquires"}
			for _, b := range bins {
				hs.Points = append(hs.Points, output.Point{Y: float64(b.Count), Label: "≤ " + output.Ms(b.UpperMs) + " ms",
					Text: output.Uint(b.Count)})
			}
			h.Series = []output.Series{hs}
			blocks = append(blocks, h)
		}
		if len(m.LatencyBins) > 0 {
			h := &output.Chart{Title: n + ": operation latency histogram (operations per bucket)", Kind: output.Bars,
				YLabel: "operations", TextHidden: true}
			hs := output.Series{Name: "operations"}
			for i, b := range m.LatencyBins {
				label := "≤ " + output.Ms(b.UpperMs) + " ms"
				if math.IsInf(b.UpperMs, 1) && i > 0 {
					label = "> " + output.Ms(m.LatencyBins[i-1].UpperMs) + " ms"
				}
				hs.Points = append(hs.Points, output.Point{Y: float64(b.Count), Label: label, Text: output.Uint(b.Count)})
			}
			h.Series = []output.Series{hs}
			blocks = append(blocks, h)
		}
	}
	return blocks
}

// latencySeries is a pool's latency line: the operation's quantiles when
// the workload measured them, the acquire wait's otherwise.
func latencySeries(name string, m PoolMetrics) output.Series {
	q, what := m.AcquireWaitMs, "acquire wait"
	if m.LatencyMs != nil {
		q, what = *m.LatencyMs, "operation"
	}
	s := output.Series{Name: name + " (" + what + ")"}
	for _, p := range []struct {
		label string
		v     float64
	}{{"p50", q.P50}, {"p95", q.P95}, {"p99", q.P99}, {"max", q.Max}} {
		s.Points = append(s.Points, output.Point{Y: p.v, Label: p.label, Text: output.Ms(p.v)})
	}
	return s
}

// HistBin is one bucket of a distribution: the count of values above the
// previous bound and at or below UpperMs.
type HistBin struct {
	UpperMs float64
	Count   uint64
}

// WaitHistogram turns the cumulative acquire-wait buckets into counts per
// bucket, leaving out the empty buckets above the last value.
func (m PoolMetrics) WaitHistogram() []HistBin {
	var bins []HistBin
	var prev uint64
	last := -1
	for i, b := range m.AcquireWaitBuckets {
		n := b.CumulativeCount - min(prev, b.CumulativeCount)
		prev = b.CumulativeCount
		bins = append(bins, HistBin{UpperMs: b.UpperBoundSeconds * 1000, Count: n})
		if n > 0 {
			last = i
		}
	}
	return bins[:last+1]
}

// LeaksTable lists potential leaks, most severe and oldest first as given;
// nil when there are none.
func LeaksTable(leaks []Leak) *output.Table {
	if len(leaks) == 0 {
		return nil
	}
	t := output.NewTable(fmt.Sprintf("Potential leaks (%d)", len(leaks)), output.Col("severity"),
		output.Col("source").AsDetail(), output.Wrapped("kind", 12), output.Col("id"), output.Wrapped("owner", 10),
		output.Num("age"), output.Col("state").AsDetail(), output.Wrapped("evidence", 16))
	for _, l := range leaks {
		state := "held"
		if l.Resolved {
			state = "released late"
		}
		t.Row(output.Severity(l.Severity), output.S(l.Source), output.S(l.Kind), output.S(l.ID), output.S(l.Owner),
			output.S(output.Seconds(l.LifetimeSeconds)), output.S(state),
			output.S(output.Truncate(output.OneLine(fmtEvidence(l.Evidence)), 96)))
	}
	return t
}

// fmtEvidence is "k=v, k=v" in key order.
func fmtEvidence(ev map[string]string) string {
	keys := sortedKeys(ev)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+ev[k])
	}
	return strings.Join(parts, ", ")
}

// RecommendationsTable lists recommendations in the order given
// (Report.Recommendations sorts them); nil when there are none.
func RecommendationsTable(recs []Recommendation) *output.Table {
	if len(recs) == 0 {
		return nil
	}
	t := output.NewTable("Recommendations", output.Col("severity"), output.Col("subject"),
		output.Wrapped("message", 24), output.Wrapped("suggestion", 14))
	for _, rec := range recs {
		t.Row(output.Severity(rec.Severity), output.S(rec.Subject), output.S(rec.Message), output.Code(rec.Suggestion))
	}
	return t
}
