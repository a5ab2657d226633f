package leakscmd

import (
	"time"

	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// SchemaVersion of the JSON output; fields are only ever added within it.
const SchemaVersion = 1

// Report is what "resync leaks" prints: one result per target (the last
// sample, with growth leaks from all samples added) and a summary.
type Report struct {
	SchemaVersion      int               `json:"schema_version"`
	Timestamp          time.Time         `json:"timestamp"`
	MaxLifetimeSeconds float64           `json:"max_lifetime_seconds"`
	WatchSeconds       float64           `json:"watch_seconds"`
	Samples            int               `json:"samples"`
	Partial            bool              `json:"partial"` // interrupted before the last sample
	Summary            Summary           `json:"summary"`
	Targets            []*inspect.Result `json:"targets"`

	maxLifetime time.Duration
	watch       time.Duration
}

// Summary counts across targets.
type Summary struct {
	Leaks       int `json:"potential_leaks"` // unresolved, warning or critical
	Critical    int `json:"critical"`
	LongLived   int `json:"long_lived_connections"`
	Unreachable int `json:"unreachable_targets"`
	Findings    int `json:"findings"`
}

// buildReport takes each target's samples (oldest first), keeps the last
// one and adds the growth leaks found across them.
func buildReport(o *Options, start time.Time, history [][]*inspect.Result) *Report {
	rep := &Report{
		SchemaVersion: SchemaVersion, Timestamp: start.UTC(),
		MaxLifetimeSeconds: o.MaxLifetime.Seconds(), WatchSeconds: o.Watch.Seconds(),
		maxLifetime: o.MaxLifetime, watch: o.Watch,
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
		rep.Targets = append(rep.Targets, last)
	}
	rep.Summary = summarize(rep.Targets)
	return rep
}

func summarize(results []*inspect.Result) Summary {
	var s Summary
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
