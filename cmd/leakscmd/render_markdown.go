package leakscmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/resync-dev/resync/internal/textfmt"
	"github.com/resync-dev/resync/pkg/resources"
)

// renderMarkdown writes the report as GitHub-flavoured Markdown, for CI
// summaries and pull-request comments.
func renderMarkdown(out io.Writer, rep *Report) error {
	w := &textfmt.ErrWriter{W: out}
	plain := func(s resources.Severity) string { return string(s) }
	fmt.Fprintf(w, "# %s\n\n%s\n\n", title(rep), headline(rep))

	fmt.Fprintln(w, "## Targets")
	fmt.Fprintln(w)
	mdTable(w, []string{"target", "kind", "url", "status", "server", "user", "connections"}, targetRows(rep))

	fmt.Fprintln(w, "## Potential leaks")
	fmt.Fprintln(w)
	if rows := leakRows(rep); len(rows) == 0 {
		fmt.Fprintf(w, "None: no session holds a transaction open longer than %s and no client kept growing.\n\n", human(rep.maxLifetime))
	} else {
		var cells [][]string
		for _, r := range rows {
			sev := string(r.leak.Severity)
			if r.leak.Resolved {
				sev += " (resolved)"
			}
			cells = append(cells, []string{r.target, sev, r.leak.Kind, r.leak.ID, orDash(r.leak.Owner), human(r.leak.Lifetime), strings.Join(r.evidence, "<br>")})
		}
		mdTable(w, []string{"target", "severity", "kind", "id", "owner", "lifetime", "evidence"}, cells)
	}

	fmt.Fprintf(w, "## Long-lived connections\n\nOlder than %s (MySQL: idle longer).\n\n", human(rep.maxLifetime))
	if rows := groupRows(rep, false, plain); len(rows) == 0 {
		fmt.Fprintln(w, "None.")
		fmt.Fprintln(w)
	} else {
		mdTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle", "idle > threshold", "states", "severity", "note"}, rows)
	}
	if rows := groupRows(rep, true, plain); len(rows) > 0 {
		fmt.Fprintln(w, "## resync's own connections")
		fmt.Fprintln(w)
		mdTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle"}, rows)
	}
	if rows := capacityRows(rep); len(rows) > 0 {
		fmt.Fprintln(w, "## Capacity")
		fmt.Fprintln(w)
		mdTable(w, []string{"target", "used", "max", "reserved", "available", "usage", "note"}, rows)
	}
	if rows := findingRows(rep); len(rows) > 0 {
		fmt.Fprintln(w, "## Findings")
		fmt.Fprintln(w)
		var cells [][]string
		for _, r := range rows {
			fix := orDash(r.f.Fix)
			if r.f.Fix != "" {
				fix = "`" + strings.ReplaceAll(r.f.Fix, "`", "'") + "`"
			}
			cells = append(cells, []string{r.target, string(r.f.Severity), r.f.Message, fix})
		}
		mdTable(w, []string{"target", "severity", "finding", "fix"}, cells)
	}
	return w.Err
}

func mdTable(w io.Writer, headers []string, rows [][]string) {
	fmt.Fprintln(w, "| "+strings.Join(headers, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(headers)))
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = mdEscape(c)
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
	fmt.Fprintln(w)
}

// mdEscape keeps a cell on one table row: pipes escaped, newlines as <br>.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}
