package poolscmd

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/resync-dev/resync/internal/textfmt"
)

// fmtCount writes a rate or count with thousands separators: 12,345.
func fmtCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return textfmt.Thousands(int64(math.Round(v)))
}

// fmtMs writes milliseconds with precision that suits the magnitude.
func fmtMs(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
}

// paint styles text when colour is allowed and returns it untouched
// otherwise, so piped output has no escape sequence.
type paint struct{ on bool }

var (
	headingStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Cyan)
	boldStyle    = lipgloss.NewStyle().Bold(true)
	faintStyle   = lipgloss.NewStyle().Faint(true)
	warnStyle    = lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true)
)

func (p paint) style(st lipgloss.Style, s string) string {
	if !p.on || s == "" {
		return s
	}
	return st.Render(s)
}

func (p paint) heading(s string) string { return p.style(headingStyle, s) }
func (p paint) bold(s string) string    { return p.style(boldStyle, s) }
func (p paint) faint(s string) string   { return p.style(faintStyle, s) }
func (p paint) warn(s string) string    { return p.style(warnStyle, s) }

// mdRow writes one Markdown table row, escaping pipes.
func mdRow(w io.Writer, cells ...string) {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", " ")
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// mdHead writes a Markdown table heading and header; align has one letter
// per column.
func mdHead(w io.Writer, title string, cols []string, align string) {
	fmt.Fprintf(w, "### %s\n\n", title)
	mdRow(w, cols...)
	seps := make([]string, len(cols))
	for i := range cols {
		seps[i] = "---"
		if i < len(align) && align[i] == 'r' {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
}
