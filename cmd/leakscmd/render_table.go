package leakscmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/resync-dev/resync/internal/textfmt"
)

// renderTable writes the report for people: title and headline, then
// targets, potential leaks with their evidence, long-lived connections,
// resync's own connections, capacity and findings with their fixes.
func renderTable(out io.Writer, rep *Report, p painter) error {
	w := &textfmt.ErrWriter{W: out}
	fmt.Fprintln(w, p.bold(title(rep)))
	line := headline(rep)
	if rep.Summary.Leaks > 0 {
		line = p.bad(line)
	} else {
		line = p.good(line)
	}
	fmt.Fprintln(w, line)
	fmt.Fprintln(w)

	section(w, p, "Targets")
	t := textfmt.NewTable(w, []string{"target", "kind", "url", "status", "server", "user", "connections"}, "llllllr", nil)
	for _, row := range targetRows(rep) {
		if row[3] == "unreachable" {
			row[3] = p.bad(row[3])
		}
		t.Append(row)
	}
	if err := textfmt.RenderTable(w, t); err != nil {
		return err
	}

	section(w, p, "Potential leaks")
	if rows := leakRows(rep); len(rows) == 0 {
		fmt.Fprintln(w, p.faint("none: no session holds a transaction open longer than "+human(rep.maxLifetime)+" and no client kept growing"))
		fmt.Fprintln(w)
	} else {
		t := textfmt.NewTable(w, []string{"target", "severity", "kind", "id", "owner", "lifetime", "evidence"}, "lllllrl", map[int]int{3: 30, 6: 64})
		for _, r := range rows {
			sev := p.severity(r.leak.Severity)
			if r.leak.Resolved {
				sev += " (resolved)"
			}
			t.Append([]string{r.target, sev, r.leak.Kind, r.leak.ID, orDash(r.leak.Owner), human(r.leak.Lifetime), strings.Join(r.evidence, "\n")})
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
	}

	section(w, p, "Long-lived connections (older than "+human(rep.maxLifetime)+"; MySQL: idle longer)")
	if rows := groupRows(rep, false, p.severity); len(rows) == 0 {
		fmt.Fprintln(w, p.faint("none"))
		fmt.Fprintln(w)
	} else {
		t := textfmt.NewTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle", "idle > threshold", "states", "severity", "note"},
			"llllrrrrlll", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
	}

	if rows := groupRows(rep, true, p.severity); len(rows) > 0 {
		section(w, p, "resync's own connections")
		t := textfmt.NewTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle"}, "llllrrr", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
	}

	if rows := capacityRows(rep); len(rows) > 0 {
		section(w, p, "Capacity")
		t := textfmt.NewTable(w, []string{"target", "used", "max", "reserved", "available", "usage", "note"}, "lrrrrrl", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
	}

	if rows := findingRows(rep); len(rows) > 0 {
		section(w, p, "Findings")
		t := textfmt.NewTable(w, []string{"target", "severity", "finding", "fix"}, "llll", map[int]int{2: 60, 3: 50})
		for _, r := range rows {
			t.Append([]string{r.target, p.severity(r.f.Severity), r.f.Message, orDash(r.f.Fix)})
		}
		if err := textfmt.RenderTable(w, t); err != nil {
			return err
		}
	}
	return w.Err
}

func section(w io.Writer, p painter, name string) { fmt.Fprintln(w, p.heading(name)) }
