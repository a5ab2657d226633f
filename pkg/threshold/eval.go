package threshold

import (
	"fmt"
	"slices"
	"strings"
)

// Subject is one cache or pool of a run and its final figures.
type Subject struct {
	Name string
	Kind string // KindPool or KindCache
	// Values holds the figures the run measured, by metric name, in the
	// metric's unit. A metric the subject does not have is absent.
	Values map[string]float64
	// Down says why the subject has no figures at all (unreachable, failed
	// at the start); "" when it ran.
	Down string
}

// Result is one threshold checked against one subject. It is part of the
// commands' JSON (schema_version 1, "thresholds").
type Result struct {
	Expr    string   `json:"expr"`           // as given
	Subject string   `json:"subject"`        // the cache or pool checked; "*" when none matched
	Kind    string   `json:"kind,omitempty"` // pool | cache; absent when no subject matched
	Metric  string   `json:"metric"`
	Op      string   `json:"op"`
	Limit   float64  `json:"limit"` // in the metric's unit (ms, ratio 0–1, per second, score)
	Value   *float64 `json:"value"` // the run's figure; null when it has none
	OK      bool     `json:"ok"`
	// Reason says why there is no value (no such subject, no such figure,
	// unreachable); absent when there is one.
	Reason string `json:"reason,omitempty"`
}

// Evaluate checks every threshold against the subjects, in the order given.
//
// A named subject gives one Result. "*" gives one Result per subject that
// has the metric, and one per subject of a kind with that metric that is
// down, in name order. A threshold with no figure to compare fails: an
// unknown subject, a subject without that figure, a subject that is down,
// or a "*" that matches nothing. Missing data never passes a gate.
func Evaluate(ts []Threshold, subjects []Subject) []Result {
	sorted := slices.Clone(subjects)
	slices.SortStableFunc(sorted, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
	out := []Result{}
	for _, t := range ts {
		if t.Subject == Wildcard {
			out = append(out, wildcard(t, sorted)...)
			continue
		}
		out = append(out, named(t, sorted))
	}
	return out
}

func wildcard(t Threshold, subjects []Subject) []Result {
	m, _ := lookup(t.Metric)
	var out []Result
	for _, s := range subjects {
		_, has := s.Values[t.Metric]
		if has || (s.Down != "" && slices.Contains(m.Kinds, s.Kind)) {
			out = append(out, check(t, s))
		}
	}
	if len(out) == 0 {
		return []Result{result(t, Wildcard, nil,
			"no cache or pool in this run has the metric "+t.Metric)}
	}
	return out
}

func named(t Threshold, subjects []Subject) Result {
	var names []string
	for _, s := range subjects {
		if s.Name == t.Subject {
			if _, has := s.Values[t.Metric]; has || s.Down != "" {
				return check(t, s)
			}
		}
		names = append(names, s.Name)
	}
	for _, s := range subjects {
		if s.Name == t.Subject {
			return result(t, s.Name, nil, fmt.Sprintf("%s has no %s figure in this run", s.Name, t.Metric))
		}
	}
	known := "none"
	if len(names) > 0 {
		known = strings.Join(slices.Compact(names), ", ")
	}
	return result(t, t.Subject, nil, fmt.Sprintf("no cache or pool named %q in this run (names: %s)", t.Subject, known))
}

func check(t Threshold, s Subject) Result {
	if s.Down != "" {
		r := result(t, s.Name, nil, s.Name+" has no figures: "+s.Down)
		r.Kind = s.Kind
		return r
	}
	v := s.Values[t.Metric]
	r := result(t, s.Name, &v, "")
	r.Kind, r.OK = s.Kind, holds(v, t.Op, t.Limit)
	return r
}

func result(t Threshold, subject string, v *float64, reason string) Result {
	return Result{Expr: t.Expr, Subject: subject, Metric: t.Metric, Op: t.Op, Limit: t.Limit, Value: v, Reason: reason}
}

// Failed returns the results that did not hold.
func Failed(rs []Result) []Result {
	var out []Result
	for _, r := range rs {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

// Verdict is one line naming the failed thresholds ("" when all held):
// "redis.p99<5ms (redis: 7.2); *.error_rate<1% (http: no figures: unreachable)".
func Verdict(rs []Result) string {
	var parts []string
	for _, r := range Failed(rs) {
		parts = append(parts, fmt.Sprintf("%s (%s: %s)", r.Expr, r.Subject, r.Shown()))
	}
	if len(parts) == 0 {
		return ""
	}
	return "threshold failed: " + strings.Join(parts, "; ")
}

// Shown is the value as the tables show it, in the metric's unit, or the
// reason there is none.
func (r Result) Shown() string {
	if r.Value == nil {
		return r.Reason
	}
	m, _ := lookup(r.Metric)
	return Format(*r.Value, m.Unit)
}

// Format writes a value in its unit: "7.25ms", "0.5%", "1,234/s", "71.5".
func Format(v float64, u Unit) string {
	switch u {
	case Millis:
		return trim(fmt.Sprintf("%.3f", v)) + "ms"
	case Ratio:
		return trim(fmt.Sprintf("%.3f", v*100)) + "%"
	case PerSec:
		return trim(fmt.Sprintf("%.1f", v)) + "/s"
	default:
		return trim(fmt.Sprintf("%.1f", v))
	}
}

func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// LimitShown is the threshold's limit in its unit.
func (r Result) LimitShown() string {
	m, _ := lookup(r.Metric)
	return Format(r.Limit, m.Unit)
}
