package cachecmd

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/resync-dev/resync/internal/textfmt"
	"github.com/resync-dev/resync/pkg/cache/sim"
	"github.com/resync-dev/resync/pkg/report"
)

// chartWidth is the columns of the curve chart that stand for 0–100 %.
const chartWidth = 40

var (
	styleBold  = lipgloss.NewStyle().Bold(true)
	styleGreen = lipgloss.NewStyle().Foreground(lipgloss.Green)
	styleYel   = lipgloss.NewStyle().Foreground(lipgloss.Yellow)
	styleRed   = lipgloss.NewStyle().Foreground(lipgloss.Red)
	styleFaint = lipgloss.NewStyle().Faint(true)
)

// paint applies a style only when colour is on.
type paint bool

func (p paint) with(st lipgloss.Style, s string) string {
	if !p || s == "" {
		return s
	}
	return st.Render(s)
}

func (p paint) rating(r string) string {
	switch r {
	case report.RatingExcellent, report.RatingGood:
		return p.with(styleGreen, r)
	case report.RatingFair:
		return p.with(styleYel, r)
	default:
		return p.with(styleRed, r)
	}
}

func renderJSON(w io.Writer, out *simOutput) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// summaryLines says what was simulated and what capacity the target needs.
func summaryLines(out *simOutput) []string {
	lines := []string{fmt.Sprintf("%s · %s requests · %s distinct keys", out.Source,
		thousands(out.Requests), thousands(out.DistinctKeys))}
	if out.Method == sim.MethodStack {
		lines = append(lines, "LRU hit rates: exact, all capacities in one pass; no TTL")
	} else {
		lines = append(lines, fmt.Sprintf("LRU hit rates: replayed through resync's cache; TTL %gs at %g requests/s",
			out.TTLSeconds, out.RatePerSecond))
	}
	target := "Target " + textfmt.Percent(out.TargetHitRate) + ": "
	switch {
	case out.CapacityForTarget > 0 && out.CapacityExact:
		target += "reached at " + thousands(out.CapacityForTarget) + " items (the smallest capacity that does)"
	case out.CapacityForTarget > 0:
		target += "reached at " + thousands(out.CapacityForTarget) + " items (the smallest evaluated capacity that does)"
	case out.Method == sim.MethodStack:
		target += "not reachable: even an unbounded cache hits " + textfmt.Percent(out.MaxHitRate) + " (each key misses once)"
	default:
		target += "not reached at any evaluated capacity: try larger capacities or a longer TTL"
	}
	return append(lines, target)
}

func renderTable(w io.Writer, out *simOutput, color bool) error {
	p := paint(color)
	for i, l := range summaryLines(out) {
		if i == 0 {
			l = p.with(styleBold, "resync cache simulate") + " · " + l
		}
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	t := textfmt.NewTable(w, []string{"capacity", "hit rate", "optimal", "eviction rate", "score", "rating", "advice"}, "rrrrrll", nil)
	for _, pt := range out.Points {
		if err := t.Append(thousands(pt.Capacity), textfmt.Percent(pt.HitRate), textfmt.Percent(pt.OptimalHitRate), textfmt.Percent(pt.EvictionRate),
			strconv.FormatFloat(pt.EfficiencyScore, 'f', 1, 64), p.rating(pt.Rating), advice(pt.Recommendations)); err != nil {
			return err
		}
	}
	if err := textfmt.RenderTable(w, t); err != nil {
		return err
	}
	fmt.Fprintln(w, p.with(styleBold, "Hit-rate curve")+"  "+p.with(styleFaint, "█ LRU  ░ what an optimal policy adds  ┆ target"))
	for _, pt := range out.Points {
		fmt.Fprintf(w, "%12s %s %6s  (optimal %s)\n", thousands(pt.Capacity), chartBar(pt, out.TargetHitRate, p), textfmt.Percent(pt.HitRate), textfmt.Percent(pt.OptimalHitRate))
	}
	var recs []string
	for _, pt := range out.Points {
		for _, r := range pt.Recommendations {
			recs = append(recs, fmt.Sprintf("  %12s  %-8s %s → %s", thousands(pt.Capacity), r.Severity, r.Message, r.Suggestion))
		}
	}
	if len(recs) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, p.with(styleBold, "Recommendations"))
		for _, r := range recs {
			if _, err := fmt.Fprintln(w, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// chartBar draws one capacity's hit rate (█), the gap to the optimal hit
// rate (░) and the target (┆) on a 0–100 % scale.
func chartBar(pt pointOutput, target float64, p paint) string {
	lru := int(math.Round(clamp01(pt.HitRate) * chartWidth))
	opt := max(int(math.Round(clamp01(pt.OptimalHitRate)*chartWidth)), lru)
	tgt := min(int(math.Round(clamp01(target)*chartWidth)), chartWidth-1)
	var b strings.Builder
	b.WriteString(p.with(styleGreen, strings.Repeat("█", lru)))
	b.WriteString(p.with(styleFaint, strings.Repeat("░", opt-lru)))
	for i := opt; i < chartWidth; i++ {
		if i == tgt {
			b.WriteString("┆")
		} else {
			b.WriteString(" ")
		}
	}
	return "│" + b.String() + "│"
}

// advice is the suggestions of a capacity's recommendations, for a table cell.
func advice(recs []report.Recommendation) string {
	seen := map[string]bool{}
	var parts []string
	for _, r := range recs {
		if !seen[r.Suggestion] {
			seen[r.Suggestion] = true
			parts = append(parts, r.Suggestion)
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func renderMarkdown(w io.Writer, out *simOutput) error {
	var b strings.Builder
	b.WriteString("# resync cache simulate\n\n")
	for _, l := range summaryLines(out) {
		b.WriteString("- " + l + "\n")
	}
	b.WriteString("\n| Capacity | Hit rate | Optimal | Eviction rate | Score | Rating |\n|---:|---:|---:|---:|---:|---|\n")
	for _, pt := range out.Points {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %.1f | %s |\n", pt.Capacity, textfmt.Percent(pt.HitRate), textfmt.Percent(pt.OptimalHitRate),
			textfmt.Percent(pt.EvictionRate), pt.EfficiencyScore, pt.Rating)
	}
	first := true
	for _, pt := range out.Points {
		for _, r := range pt.Recommendations {
			if first {
				b.WriteString("\n## Recommendations\n\n")
				first = false
			}
			fmt.Fprintf(&b, "- **%d items** (%s, `%s`): %s Suggestion: `%s`\n", pt.Capacity, r.Severity, r.ID, r.Message, r.Suggestion)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// thousands writes n with comma separators: 1,234,567.
func thousands(n int) string { return textfmt.Thousands(int64(n)) }

func clamp01(x float64) float64 { return min(max(x, 0), 1) }
