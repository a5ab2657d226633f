package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// Leaks is what `resync leaks` prints: one inspection result per target
// (the last sample, with the growth leaks found across all samples added)
// and a summary. Its JSON is schema version 1 (schema/leaks.schema.json).
type Leaks struct {
	SchemaVersion      int               `json:"schema_version"`
	Timestamp          time.Time         `json:"timestamp"`
	MaxLifetimeSeconds float64           `json:"max_lifetime_seconds"`
	WatchSeconds       float64           `json:"watch_seconds"`
	Samples            int               `json:"samples"`
	Partial            bool              `json:"partial"` // interrupted before the last sample
	Summary            LeaksSummary      `json:"summary"`
	Targets            []*inspect.Result `json:"targets"`
}

// LeaksSummary counts across targets.
type LeaksSummary struct {
	Leaks       int `json:"potential_leaks"` // unresolved, warning or critical
	Critical    int `json:"critical"`
	LongLived   int `json:"long_lived_connections"`
	Unreachable int `json:"unreachable_targets"`
	Findings    int `json:"findings"`
}

// BuildLeaks takes each target's samples (oldest first), keeps the last one
// and adds the growth leaks found across them.
func BuildLeaks(start time.Time, maxLifetime, watch time.Duration, partial bool, history [][]*inspect.Result) *Leaks {
	rep := &Leaks{
		SchemaVersion: SchemaVersion, Timestamp: start.UTC(), Partial: partial,
		MaxLifetimeSeconds: maxLifetime.Seconds(), WatchSeconds: watch.Seconds(),
		Targets: []*inspect.Result{},
	}
	for _, samples := range history {
		if len(samples) == 0 {
			continue
		}
		rep.Samples = max(rep.Samples, len(samples))
		last := samples[len(samples)-1]
		if growth := inspect.DetectGrowth(samples); len(growth) > 0 {
			last.Leaks = append(last.Leaks, growth...)
			if last.Severity != resources.SeverityCritical {
				last.Severity = resources.SeverityWarning
			}
		}
		rep.Targets = append(rep.Targets, emptyLists(last))
	}
	rep.Summary = summarizeLeaks(rep.Targets)
	return rep
}

// emptyLists makes r's nil lists empty, so the JSON has [] (as the
// report's does) rather than null.
func emptyLists(r *inspect.Result) *inspect.Result {
	r.Leaks = orEmpty(r.Leaks)
	r.LongLived = orEmpty(r.LongLived)
	r.Own = orEmpty(r.Own)
	r.Clients = orEmpty(r.Clients)
	r.Findings = orEmpty(r.Findings)
	return r
}

func orEmpty[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

func summarizeLeaks(results []*inspect.Result) LeaksSummary {
	var s LeaksSummary
	for _, r := range results {
		s.Leaks += r.LeakCount()
		for _, l := range r.Leaks {
			if !l.Resolved && l.Severity == resources.SeverityCritical {
				s.Critical++
			}
		}
		for _, g := range r.LongLived {
			s.LongLived += g.Count
		}
		if !r.Reachable {
			s.Unreachable++
		}
		s.Findings += len(r.Findings)
	}
	return s
}

// Failures is the --fail-on-leaks verdict: why the run should exit 3, or
// nothing. Potential leaks and targets that could not be inspected fail it.
func (r *Leaks) Failures() []string {
	var why []string
	if n := r.Summary.Leaks; n > 0 {
		why = append(why, fmt.Sprintf("%d potential leak%s found (%d critical)", n, output.Plural(n), r.Summary.Critical))
	}
	if n := r.Summary.Unreachable; n > 0 {
		why = append(why, fmt.Sprintf("%d target%s could not be inspected", n, output.Plural(n)))
	}
	return why
}

func (r *Leaks) maxLifetime() time.Duration {
	return time.Duration(r.MaxLifetimeSeconds * float64(time.Second))
}

// Headline summarises the report in one line.
func (r *Leaks) Headline() string {
	s := r.Summary
	var parts []string
	if s.Leaks == 0 {
		parts = append(parts, "no potential leaks")
	} else {
		parts = append(parts, fmt.Sprintf("%d potential leak%s (%d critical)", s.Leaks, output.Plural(s.Leaks), s.Critical))
	}
	parts = append(parts, fmt.Sprintf("%d long-lived connection%s", s.LongLived, output.Plural(s.LongLived)))
	if s.Unreachable > 0 {
		parts = append(parts, fmt.Sprintf("%d target%s unreachable", s.Unreachable, output.Plural(s.Unreachable)))
	}
	return strings.Join(parts, " · ")
}

// Doc presents the report: title and headline, then targets, potential
// leaks with their evidence, long-lived connections, resync's own
// connections, capacity, findings with their fixes, and the leak ages.
func (r *Leaks) Doc() *output.Doc {
	title := "resync leaks · " + r.Timestamp.Format(time.RFC3339) + " · max lifetime " + output.Duration(r.maxLifetime())
	if r.WatchSeconds > 0 {
		title += fmt.Sprintf(" · watched %s, %d samples", output.DurationSeconds(r.WatchSeconds), r.Samples)
	}
	t := output.S(title)
	if r.Partial {
		t = append(t, output.Span{Text: " · "}, output.Span{Text: "PARTIAL (interrupted)", Tone: output.Notice})
	}
	tone := output.Good
	if r.Summary.Leaks > 0 {
		tone = output.Bad
	}
	d := &output.Doc{Title: t}
	d.Add(output.Para{Text: output.T(tone, r.Headline())})

	targets := output.NewTable("Targets", output.Col("target"), output.Col("kind").AsDetail(), output.Wrapped("url", 20),
		output.Col("status"), output.Col("server"), output.Col("user").AsDetail(), output.Num("connections"))
	for _, tr := range r.Targets {
		status := output.T(output.Good, "reachable")
		if !tr.Reachable {
			status = output.T(output.Bad, "unreachable")
		}
		targets.Row(output.S(tr.Name), output.S(tr.Kind), output.Code(tr.URL), status, output.S(output.OrDash(tr.Server)),
			output.S(output.OrDash(tr.User)), output.S(strconv.Itoa(tr.Connections)))
	}
	d.Add(targets)

	leaks := output.NewTable("Potential leaks", output.Col("target"), output.Col("severity"), output.Wrapped("kind", 10),
		output.Wrapped("id", 8), output.Wrapped("owner", 8).AsDetail(), output.Num("lifetime"), output.Wrapped("evidence", 18))
	leaks.Empty = "none: no session holds a transaction open longer than " + output.Duration(r.maxLifetime()) +
		" and no client kept growing"
	ages := &output.Chart{Title: "age of each potential leak against the max lifetime", Kind: output.Bars,
		YLabel: "seconds", TextHidden: true}
	ageSeries := output.Series{Name: "age"}
	for _, tr := range r.Targets {
		for _, l := range tr.Leaks {
			sev := output.Severity(string(l.Severity))
			if l.Resolved {
				sev = append(sev, output.Span{Text: " (resolved)"})
			}
			leaks.Row(output.S(tr.Name), sev, output.S(l.Kind), output.S(l.ID), output.S(output.OrDash(l.Owner)),
				output.S(output.Duration(l.Lifetime)), output.S(strings.Join(evidenceLines(l.Evidence), "\n")))
			ageSeries.Points = append(ageSeries.Points, output.Point{Y: l.Lifetime.Seconds(),
				Label: tr.Name + " " + output.Truncate(l.ID, 24), Text: output.Duration(l.Lifetime)})
		}
	}
	d.Add(leaks)
	if len(ageSeries.Points) > 0 {
		ages.Series = []output.Series{ageSeries}
		ages.Marks = []output.Mark{{Value: r.MaxLifetimeSeconds, Label: "max lifetime " + output.Duration(r.maxLifetime())}}
		d.Add(ages)
	}

	long := output.NewTable("Long-lived connections (older than "+output.Duration(r.maxLifetime())+"; MySQL: idle longer)",
		output.Col("target"), output.Wrapped("application", 8), output.Col("user").AsDetail(), output.Col("client"),
		output.Num("count"), output.Num("oldest"), output.Num("max idle").AsDetail(), output.Num("idle >\nthreshold"),
		output.Wrapped("states", 10).AsDetail(), output.Col("severity").AsDetail(), output.Col("note").AsDetail())
	long.Empty = "none"
	own := output.NewTable("resync's own connections", output.Col("target"), output.Col("application"), output.Col("user"),
		output.Col("client"), output.Num("count"), output.Num("oldest"), output.Num("max idle"))
	for _, tr := range r.Targets {
		for _, g := range tr.LongLived {
			long.Row(output.S(tr.Name), output.S(output.OrDash(g.Application)), output.S(output.OrDash(g.User)),
				output.S(output.OrDash(g.Client)), output.S(strconv.Itoa(g.Count)), output.S(output.DurationSeconds(g.OldestSeconds)),
				output.S(output.DurationSeconds(g.MaxIdleSeconds)), output.S(strconv.Itoa(g.IdleOver)),
				output.S(output.OrDash(states(g.States))), output.Severity(string(g.Severity)), output.S(output.OrDash(g.Note)))
		}
		for _, g := range tr.Own {
			own.Row(output.S(tr.Name), output.S(output.OrDash(g.Application)), output.S(output.OrDash(g.User)),
				output.S(output.OrDash(g.Client)), output.S(strconv.Itoa(g.Count)), output.S(output.DurationSeconds(g.OldestSeconds)),
				output.S(output.DurationSeconds(g.MaxIdleSeconds)))
		}
	}
	d.Add(long)
	if len(own.Rows) > 0 {
		d.Add(own)
	}

	capacity := output.NewTable("Capacity", output.Col("target"), output.Num("used"), output.Num("max"), output.Num("reserved"),
		output.Num("available"), output.Num("usage"), output.Wrapped("note", 10))
	findings := output.NewTable("Findings", output.Col("target"), output.Col("severity"), output.Wrapped("finding", 20),
		output.Wrapped("fix", 16))
	for _, tr := range r.Targets {
		if c := tr.Capacity; c != nil {
			capacity.Row(output.S(tr.Name), output.S(strconv.Itoa(c.Used)), output.S(strconv.Itoa(c.Max)),
				output.S(strconv.Itoa(c.Reserved)), output.S(strconv.Itoa(c.Available)), output.S(output.Percent0(c.Ratio)),
				output.S(output.OrDash(c.Note)))
		}
		for _, f := range tr.Findings {
			fix := output.S(output.Dash)
			if f.Fix != "" {
				fix = output.Code(f.Fix)
			}
			findings.Row(output.S(tr.Name), output.Severity(string(f.Severity)), output.S(f.Message), fix)
		}
	}
	if len(capacity.Rows) > 0 {
		d.Add(capacity)
	}
	if len(findings.Rows) > 0 {
		d.Add(findings)
	}
	return d
}

// evidenceOrder is the order evidence is shown in; other keys follow,
// sorted.
var evidenceOrder = []string{
	"state", "client", "user", "application", "database", "idle", "xact_age", "age",
	"counts", "growth", "samples", "query",
}

// evidenceLines returns a leak's evidence as "key: value" lines.
func evidenceLines(ev map[string]string) []string {
	var out []string
	for _, k := range evidenceOrder {
		if v, ok := ev[k]; ok && v != "" {
			out = append(out, k+": "+v)
		}
	}
	var rest []string
	for k, v := range ev {
		if !slices.Contains(evidenceOrder, k) && v != "" {
			rest = append(rest, k+": "+v)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// states is "active 1, idle 11".
func states(m map[string]int) string {
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
