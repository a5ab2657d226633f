package leakscmd

import (
	"charm.land/lipgloss/v2"

	"github.com/resync-dev/resync/pkg/resources"
)

// painter styles text only when colour is allowed (IOStreams.ColorEnabled),
// so piped output carries no escape sequence.
type painter struct{ on bool }

var (
	styleHeading = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Cyan)
	styleBold    = lipgloss.NewStyle().Bold(true)
	styleFaint   = lipgloss.NewStyle().Faint(true)
	styleRed     = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Red)
	styleYellow  = lipgloss.NewStyle().Foreground(lipgloss.Yellow)
	styleGreen   = lipgloss.NewStyle().Foreground(lipgloss.Green)
	styleCyan    = lipgloss.NewStyle().Foreground(lipgloss.Cyan)
)

func (p painter) apply(st lipgloss.Style, s string) string {
	if !p.on || s == "" {
		return s
	}
	return st.Render(s)
}

func (p painter) heading(s string) string { return p.apply(styleHeading, s) }
func (p painter) bold(s string) string    { return p.apply(styleBold, s) }
func (p painter) faint(s string) string   { return p.apply(styleFaint, s) }
func (p painter) good(s string) string    { return p.apply(styleGreen, s) }
func (p painter) bad(s string) string     { return p.apply(styleRed, s) }

func (p painter) severity(s resources.Severity) string {
	switch s {
	case resources.SeverityCritical:
		return p.apply(styleRed, string(s))
	case resources.SeverityWarning:
		return p.apply(styleYellow, string(s))
	case resources.SeverityInfo:
		return p.apply(styleCyan, string(s))
	}
	return string(s)
}
