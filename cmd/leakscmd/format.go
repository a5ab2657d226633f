package leakscmd

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

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

// human prints a duration for people: whole seconds from 10s up.
func human(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	if d >= 10*time.Second {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func seconds(s float64) string {
	if s < 0 {
		return "—"
	}
	return human(time.Duration(s * float64(time.Second)))
}

func states(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func percent(r float64) string { return strconv.FormatFloat(100*r, 'f', 0, 64) + "%" }

// headline summarises the report in one line.
func headline(rep *Report) string {
	s := rep.Summary
	parts := []string{}
	switch s.Leaks {
	case 0:
		parts = append(parts, "no potential leaks")
	default:
		parts = append(parts, fmt.Sprintf("%d potential leak%s (%d critical)", s.Leaks, plural(s.Leaks), s.Critical))
	}
	parts = append(parts, fmt.Sprintf("%d long-lived connection%s", s.LongLived, plural(s.LongLived)))
	if s.Unreachable > 0 {
		parts = append(parts, fmt.Sprintf("%d target%s unreachable", s.Unreachable, plural(s.Unreachable)))
	}
	return strings.Join(parts, " · ")
}

// title is the first line: when, the threshold and the sampling.
func title(rep *Report) string {
	t := "resync leaks · " + rep.Timestamp.Format(time.RFC3339) + " · max lifetime " + human(rep.maxLifetime)
	if rep.watch > 0 {
		t += fmt.Sprintf(" · watched %s, %d samples", human(rep.watch), rep.Samples)
	}
	if rep.Partial {
		t += " · PARTIAL (interrupted)"
	}
	return t
}

func status(r *inspect.Result) string {
	if r.Reachable {
		return "reachable"
	}
	return "unreachable"
}

func redactURL(u string) string { return config.RedactURL(u) }

// rows of every section, shared by the table and Markdown renderers so the
// two always say the same thing.

func targetRows(rep *Report) [][]string {
	var rows [][]string
	for _, r := range rep.Targets {
		rows = append(rows, []string{r.Name, r.Kind, r.URL, status(r), orDash(r.Server), orDash(r.User), strconv.Itoa(r.Connections)})
	}
	return rows
}

type leakRow struct {
	target   string
	leak     resources.Leak
	evidence []string
}

func leakRows(rep *Report) []leakRow {
	var rows []leakRow
	for _, r := range rep.Targets {
		for _, l := range r.Leaks {
			rows = append(rows, leakRow{r.Name, l, evidenceLines(l.Evidence)})
		}
	}
	return rows
}

func groupRows(rep *Report, own bool, sev func(resources.Severity) string) [][]string {
	var rows [][]string
	for _, r := range rep.Targets {
		groups := r.LongLived
		if own {
			groups = r.Own
		}
		for _, g := range groups {
			row := []string{r.Name, orDash(g.Application), orDash(g.User), orDash(g.Client), strconv.Itoa(g.Count), seconds(g.OldestSeconds), seconds(g.MaxIdleSeconds)}
			if !own {
				row = append(row, strconv.Itoa(g.IdleOver), orDash(states(g.States)), sev(g.Severity), orDash(g.Note))
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func capacityRows(rep *Report) [][]string {
	var rows [][]string
	for _, r := range rep.Targets {
		c := r.Capacity
		if c == nil {
			continue
		}
		rows = append(rows, []string{r.Name, strconv.Itoa(c.Used), strconv.Itoa(c.Max), strconv.Itoa(c.Reserved),
			strconv.Itoa(c.Available), percent(c.Ratio), orDash(c.Note)})
	}
	return rows
}

type findingRow struct {
	target string
	f      inspect.Finding
}

func findingRows(rep *Report) []findingRow {
	var rows []findingRow
	for _, r := range rep.Targets {
		for _, f := range r.Findings {
			rows = append(rows, findingRow{r.Name, f})
		}
	}
	return rows
}
