package leakscmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// renderTable writes the report for people: title and headline, then
// targets, potential leaks with their evidence, long-lived connections,
// resync's own connections, capacity and findings with their fixes.
func renderTable(out io.Writer, rep *Report, p painter) error {
	w := &errWriter{w: out}
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
	t := newTable(w, []string{"target", "kind", "url", "status", "server", "user", "connections"}, "llllllr", nil)
	for _, row := range targetRows(rep) {
		if row[3] == "unreachable" {
			row[3] = p.bad(row[3])
		}
		t.Append(row)
	}
	if err := flush(w, t); err != nil {
		return err
	}

	section(w, p, "Potential leaks")
	if rows := leakRows(rep); len(rows) == 0 {
		fmt.Fprintln(w, p.faint("none: no session holds a transaction open longer than "+human(rep.maxLifetime)+" and no client kept growing"))
		fmt.Fprintln(w)
	} else {
		t := newTable(w, []string{"target", "severity", "kind", "id", "owner", "lifetime", "evidence"}, "lllllrl", map[int]int{3: 30, 6: 64})
		for _, r := range rows {
			sev := p.severity(r.leak.Severity)
			if r.leak.Resolved {
				sev += " (resolved)"
			}
			t.Append([]string{r.target, sev, r.leak.Kind, r.leak.ID, orDash(r.leak.Owner), human(r.leak.Lifetime), strings.Join(r.evidence, "\n")})
		}
		if err := flush(w, t); err != nil {
			return err
		}
	}

	section(w, p, "Long-lived connections (older than "+human(rep.maxLifetime)+"; MySQL: idle longer)")
	if rows := groupRows(rep, false, p.severity); len(rows) == 0 {
		fmt.Fprintln(w, p.faint("none"))
		fmt.Fprintln(w)
	} else {
		t := newTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle", "idle > threshold", "states", "severity", "note"},
			"llllrrrrlll", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := flush(w, t); err != nil {
			return err
		}
	}

	if rows := groupRows(rep, true, p.severity); len(rows) > 0 {
		section(w, p, "resync's own connections")
		t := newTable(w, []string{"target", "application", "user", "client", "count", "oldest", "max idle"}, "llllrrr", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := flush(w, t); err != nil {
			return err
		}
	}

	if rows := capacityRows(rep); len(rows) > 0 {
		section(w, p, "Capacity")
		t := newTable(w, []string{"target", "used", "max", "reserved", "available", "usage", "note"}, "lrrrrrl", nil)
		for _, row := range rows {
			t.Append(row)
		}
		if err := flush(w, t); err != nil {
			return err
		}
	}

	if rows := findingRows(rep); len(rows) > 0 {
		section(w, p, "Findings")
		t := newTable(w, []string{"target", "severity", "finding", "fix"}, "llll", map[int]int{2: 60, 3: 50})
		for _, r := range rows {
			t.Append([]string{r.target, p.severity(r.f.Severity), r.f.Message, orDash(r.f.Fix)})
		}
		if err := flush(w, t); err != nil {
			return err
		}
	}
	return w.err
}

func section(w io.Writer, p painter, name string) { fmt.Fprintln(w, p.heading(name)) }

// newTable returns a table with upper-case headers, the given alignments
// ('l' or 'r' per column) and optional wrapping widths per column.
func newTable(w io.Writer, headers []string, align string, maxWidths map[int]int) *tablewriter.Table {
	aligns := make(tw.Alignment, len(align))
	for i, a := range align {
		aligns[i] = tw.AlignLeft
		if a == 'r' {
			aligns[i] = tw.AlignRight
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithAlignment(aligns),
		tablewriter.WithHeaderAutoFormat(tw.Off),
	)
	if len(maxWidths) > 0 {
		t.Configure(func(cfg *tablewriter.Config) {
			cfg.Row.Formatting.AutoWrap = tw.WrapNormal
			cfg.Row.ColMaxWidths.PerColumn = tw.Mapper[int, int](maxWidths)
		})
	}
	hs := make([]any, len(headers))
	for i, h := range headers {
		hs[i] = strings.ToUpper(h)
	}
	t.Header(hs...)
	return t
}

func flush(w io.Writer, t *tablewriter.Table) error {
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	fmt.Fprintln(w)
	return nil
}
