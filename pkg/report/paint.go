package report

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// painter applies lipgloss styles when colour is allowed and returns text
// untouched otherwise, so piped output carries no escape sequence. Colours
// are the 16 basic ANSI ones: every terminal and theme maps them sensibly.
type painter struct{ on bool }

var (
	styleBold   = lipgloss.NewStyle().Bold(true)
	styleFaint  = lipgloss.NewStyle().Faint(true)
	styleGreen  = lipgloss.NewStyle().Foreground(lipgloss.Green)
	styleYellow = lipgloss.NewStyle().Foreground(lipgloss.Yellow)
	styleRed    = lipgloss.NewStyle().Foreground(lipgloss.Red)
	styleCyan   = lipgloss.NewStyle().Foreground(lipgloss.Cyan)
	styleBox    = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
)

func (p painter) apply(st lipgloss.Style, s string) string {
	if !p.on || s == "" {
		return s
	}
	return st.Render(s)
}

func (p painter) bold(s string) string    { return p.apply(styleBold, s) }
func (p painter) faint(s string) string   { return p.apply(styleFaint, s) }
func (p painter) heading(s string) string { return p.apply(styleBold.Foreground(lipgloss.Cyan), s) }

// health colours a health word: green, yellow, red; upper-cased.
func (p painter) health(h string) string {
	word := strings.ToUpper(h)
	switch h {
	case HealthHealthy:
		return p.apply(styleGreen.Bold(true), word)
	case HealthDegraded:
		return p.apply(styleYellow.Bold(true), word)
	case HealthCritical:
		return p.apply(styleRed.Bold(true), word)
	default:
		return word
	}
}

// severity colours a severity word.
func (p painter) severity(s string) string {
	switch s {
	case SeverityCritical:
		return p.apply(styleRed.Bold(true), s)
	case SeverityWarning:
		return p.apply(styleYellow, s)
	case SeverityInfo:
		return p.apply(styleCyan, s)
	default:
		return s
	}
}

// rating colours a rating word.
func (p painter) rating(r string) string {
	switch r {
	case RatingExcellent, RatingGood:
		return p.apply(styleGreen, r)
	case RatingFair:
		return p.apply(styleYellow, r)
	case RatingPoor:
		return p.apply(styleRed, r)
	default:
		return r
	}
}

// box frames lines in a rounded border. The border is drawn with box
// characters, colour or not: they are plain text.
func (p painter) box(content string) string {
	return styleBox.Render(content)
}
