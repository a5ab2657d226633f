package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/internal/textfmt"
)

var healthEmoji = map[string]string{
	HealthHealthy:  "✅",
	HealthDegraded: "⚠️",
	HealthCritical: "❌",
}

// RenderMarkdown writes the report as GitHub-flavoured Markdown for CI job
// summaries ($GITHUB_STEP_SUMMARY): a heading with the health, its reasons,
// then tables of targets, caches, pools, leaks and recommendations. Empty
// sections are left out; cell text is escaped so it cannot break a table.
func RenderMarkdown(w io.Writer, r *Report) error {
	ew := &textfmt.ErrWriter{W: w}
	fmt.Fprintf(ew, "## %s resync report: %s\n\n", healthEmoji[r.OverallHealth], r.OverallHealth)
	meta := []string{r.Timestamp.Format("2006-01-02T15:04:05Z07:00"),
		"ran " + strconv.FormatFloat(r.DurationSeconds, 'f', 1, 64) + " s"}
	if r.Partial {
		meta = append(meta, "**partial (interrupted)**")
	}
	if r.Embedded {
		meta = append(meta, "embedded targets")
	}
	fmt.Fprintf(ew, "%s\n\n", strings.Join(meta, " · "))
	if r.Embedded {
		fmt.Fprintf(ew, "> %s\n\n", EmbeddedHint)
	}
	if len(r.HealthReasons) > 0 {
		fmt.Fprintln(ew, "**Why**")
		fmt.Fprintln(ew)
		for _, reason := range r.HealthReasons {
			fmt.Fprintf(ew, "- %s\n", mdText(reason))
		}
		fmt.Fprintln(ew)
	}

	if len(r.Targets) > 0 {
		md := mdTable{w: ew}
		md.head("Targets", []string{"Target", "Kind", "URL", "Status"}, "llll")
		for _, t := range r.Targets {
			status := "reachable"
			if !t.Reachable {
				status = "**unreachable**"
				if t.Error != "" {
					status += ": " + mdText(t.Error)
				}
			}
			md.row(t.Name, t.Kind, mdCode(t.URL), status)
		}
		md.end()
	}

	if names := r.CacheNames(); len(names) > 0 {
		md := mdTable{w: ew}
		md.head("Caches", []string{"Cache", "Hit rate", "Evictions", "Avg get", "Items", "Memory", "Score", "Rating"}, "lrrrrrrl")
		for _, n := range names {
			c := r.Caches[n]
			m := c.Metrics
			md.row(n, textfmt.Percent(m.HitRate), textfmt.Percent(m.EvictionRate), fmtNs(m.AvgAccessNs),
				bounded(strconv.Itoa(m.Items), strconv.Itoa(m.MaxItems), m.MaxItems > 0),
				bounded(fmtBytes(m.MemoryBytes), fmtBytes(m.MaxBytes), m.MaxBytes > 0),
				fmtScore(c.EfficiencyScore), c.Rating)
		}
		md.end()
	}

	if names := r.PoolNames(); len(names) > 0 {
		md := mdTable{w: ew}
		md.head("Connection pools", []string{"Pool", "Ops/s", "Latency p50 / p95 / p99 (ms)", "Acquire wait p95 / p99 (ms)",
			"Utilization", "Active / idle / waiting / max", "Errors", "Exhaustions", "Score", "Rating"}, "lrrrrrrrrl")
		for _, n := range names {
			e := r.Pools[n]
			m := e.Metrics
			latency := "–"
			if m.LatencyMs != nil {
				latency = fmtMsTriple(m.LatencyMs.P50, m.LatencyMs.P95, m.LatencyMs.P99)
			}
			md.row(n, fmtRate(m.ThroughputPerS), latency, fmtMs(m.AcquireWaitMs.P95)+" / "+fmtMs(m.AcquireWaitMs.P99),
				textfmt.Percent(m.Utilization), fmt.Sprintf("%d / %d / %d / %d", m.Active, m.Idle, m.Waiting, m.MaxSize),
				u64(m.Errors), u64(m.Exhaustions), fmtScore(e.EfficiencyScore), e.Rating)
		}
		md.end()
	}

	if leaks := r.Resources.PotentialLeaks; len(leaks) > 0 {
		md := mdTable{w: ew}
		md.head(fmt.Sprintf("Potential leaks (%d)", len(leaks)),
			[]string{"Severity", "Source", "Kind", "ID", "Owner", "Age", "State", "Evidence"}, "lllllrll")
		for _, l := range leaks {
			state := "held"
			if l.Resolved {
				state = "released late"
			}
			md.row(l.Severity, l.Source, l.Kind, l.ID, mdText(l.Owner), fmtSeconds(l.LifetimeSeconds), state,
				mdText(truncate(oneLine(fmtEvidence(l.Evidence)), 120)))
		}
		md.end()
	}

	if recs := r.Recommendations(); len(recs) > 0 {
		md := mdTable{w: ew}
		md.head("Recommendations", []string{"Severity", "Subject", "Message", "Suggestion"}, "llll")
		for _, rec := range recs {
			md.row(rec.Severity, rec.Subject, mdText(rec.Message), mdCode(rec.Suggestion))
		}
		md.end()
	}
	return ew.Err
}

// mdTable writes one GitHub-flavoured table under a level-3 heading.
type mdTable struct{ w io.Writer }

func (t mdTable) head(title string, cols []string, align string) {
	fmt.Fprintf(t.w, "### %s\n\n", title)
	t.row(cols...)
	seps := make([]string, len(cols))
	for i := range cols {
		seps[i] = "---"
		if i < len(align) && align[i] == 'r' {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(t.w, "| %s |\n", strings.Join(seps, " | "))
}

// row writes cells as given; callers escape with mdText/mdCode where the
// text is free-form (row escapes every cell for pipes and newlines).
func (t mdTable) row(cells ...string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdCell(c)
	}
	fmt.Fprintf(t.w, "| %s |\n", strings.Join(esc, " | "))
}

func (t mdTable) end() { fmt.Fprintln(t.w) }

// mdCell keeps a cell on one line and its pipes literal.
func mdCell(s string) string {
	if s == "" {
		return " "
	}
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

var mdTextReplacer = strings.NewReplacer("<", "&lt;", ">", "&gt;", "\n", " ")

// mdText escapes characters that would start HTML or break a list item.
func mdText(s string) string { return mdTextReplacer.Replace(s) }

// mdCode wraps s in a code span, with a fence longer than any backtick run
// inside it; "" stays empty.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
