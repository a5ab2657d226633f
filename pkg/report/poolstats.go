package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/workload"
)

// PoolStats is what `resync pools stats` prints: the report (schema
// version 1; targets, connection pools and the optional cache) plus each
// pool's workload figures.
type PoolStats struct {
	*Report
	Workload map[string]*workload.Result `json:"workload"`

	// How the workload ran, for the title.
	Concurrency int           `json:"-"`
	Rate        float64       `json:"-"` // per target; 0 = closed model
	Warmup      time.Duration `json:"-"`
}

// names lists the measured pools in order.
func (s *PoolStats) names() []string {
	var out []string
	for _, n := range s.PoolNames() {
		if _, ok := s.Workload[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// Doc presents the run: a title line with the model and the health, the
// targets, the pools, the workload's own figures with its per-second
// throughput, the cache and the recommendations.
func (s *PoolStats) Doc() *output.Doc {
	model := fmt.Sprintf("closed model, %d workers per target", s.Concurrency)
	if s.Rate > 0 {
		model = fmt.Sprintf("open model, %s/s per target (≤ %d in flight)", output.Count(s.Rate), s.Concurrency)
	}
	title := output.S(fmt.Sprintf("resync pools stats · %s · %s · %.1fs measured after a %s warm-up · health ",
		s.Timestamp.Format(time.RFC3339), model, s.DurationSeconds, s.Warmup))
	title = append(title, output.Span{Text: s.OverallHealth, Tone: output.HealthTone(s.OverallHealth)})
	if s.Partial {
		title = append(title, output.Span{Text: " · "}, output.Span{Text: "PARTIAL (interrupted)", Tone: output.Notice})
	}
	d := &output.Doc{Title: embeddedTitle(title, s.Embedded)}
	addEmbeddedHint(d, s.Embedded)
	d.Add(ThresholdsTable(s.Thresholds), TargetsTable(s.Targets))
	d.Add(s.PoolBlocks()...)
	d.Add(s.workloadBlocks()...)
	d.Add(s.CachesTable(), RecommendationsTable(s.Recommendations()))
	return d
}

func (s *PoolStats) workloadBlocks() []output.Block {
	names := s.names()
	if len(names) == 0 {
		return nil
	}
	t := output.NewTable("Workload", output.Col("pool"), output.Col("model").AsDetail(), output.Num("operations"),
		output.Num("ops/s"), output.Num("latency ms\np50 / p95 / p99 / max"),
		output.Num("acquire wait ms\np50 / p95 / p99").AsDetail(), output.Num("late /\ndropped").AsDetail(),
		output.Wrapped("errors", 10))
	series := &output.Chart{Title: "operations per second, one mark per second (linear, 0 to the peak)", Kind: output.Spark}
	var notes []output.Spans
	for _, n := range names {
		r := s.Workload[n]
		m := s.Pools[n].Metrics
		lateDrop := output.Dash
		if r.Model == workload.ModelOpen {
			lateDrop = fmt.Sprintf("%d / %d", r.Late, r.Dropped)
		}
		model := r.Model
		if r.Rate > 0 {
			model += " " + output.Count(r.Rate) + "/s"
		}
		t.Row(output.S(n), output.S(model), output.S(output.Count(float64(r.Operations))), output.S(output.Count(r.Throughput)),
			output.S(output.MsList(r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max)),
			output.S(output.MsList(m.AcquireWaitMs.P50, m.AcquireWaitMs.P95, m.AcquireWaitMs.P99)),
			output.S(lateDrop), output.S(errorClasses(r.Errors)))
		ser := output.Series{Name: n}
		for _, pt := range r.Series {
			ser.Points = append(ser.Points, output.Point{X: float64(pt.Second), Y: float64(pt.Ops),
				Label: fmt.Sprintf("second %d", pt.Second), Text: output.Count(float64(pt.Ops)) + "/s"})
		}
		series.Series = append(series.Series, ser)
		if st := r.ServiceTime; st != nil {
			notes = append(notes, output.S(fmt.Sprintf(
				"%s, open model: latency from each scheduled arrival; service time from the actual start p50 / p99 / max: %s ms",
				n, output.MsList(st.P50, st.P99, st.Max))))
		}
		for _, class := range slices.Sorted(maps.Keys(r.ErrorSamples)) {
			notes = append(notes, output.S(n+", "+class+": "+r.ErrorSamples[class]))
		}
	}
	blocks := []output.Block{t, series}
	if len(notes) > 0 {
		blocks = append(blocks, output.List{Items: notes})
	}
	return append(blocks, s.scriptBlocks(names)...)
}

// scriptBlocks are the --script figures: each script's runs, then each
// statement's latency (pgbench -r); none when no pool ran scripts.
func (s *PoolStats) scriptBlocks(names []string) []output.Block {
	runs := output.NewTable("Scripts", output.Col("pool"), output.Wrapped("script", 12), output.Num("weight"),
		output.Num("runs"), output.Num("share"), output.Num("failed"))
	stmts := output.NewTable("Statements (latency of each, over the runs it succeeded in)", output.Col("pool").AsDetail(),
		output.Wrapped("script:line", 12), output.Num("count"), output.Num("mean ms"), output.Num("p99 ms"),
		output.Wrapped("statement", 16))
	for _, n := range names {
		var total uint64
		for _, sc := range s.Workload[n].Scripts {
			total += sc.Runs
		}
		for _, sc := range s.Workload[n].Scripts {
			share := output.Dash
			if total > 0 {
				share = output.Percent(float64(sc.Runs) / float64(total))
			}
			runs.Row(output.S(n), output.S(sc.Name), output.S(fmt.Sprint(sc.Weight)), output.S(output.Count(float64(sc.Runs))),
				output.S(share), output.S(output.Count(float64(sc.Failed))))
			for _, st := range sc.Statements {
				mean, p99 := output.Dash, output.Dash
				if st.Count > 0 {
					mean, p99 = output.Ms(st.MeanMs), output.Ms(st.P99Ms)
				}
				stmts.Row(output.S(n), output.S(fmt.Sprintf("%s:%d", sc.Name, st.Line)), output.S(output.Count(float64(st.Count))),
					output.S(mean), output.S(p99), output.S(strings.Join(strings.Fields(st.SQL), " ")))
			}
		}
	}
	if len(runs.Rows) == 0 {
		return nil
	}
	return []output.Block{runs, stmts}
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
