package output

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme styles text for a terminal. The caller decides once whether colour
// is allowed (cmdutil.IOStreams.ColorEnabled); with Color off every method
// returns its text untouched, so piped output has no escape sequence.
// Colours are the 16 basic ANSI ones, which every terminal theme maps
// sensibly.
type Theme struct{ Color bool }

var toneStyles = map[Tone]lipgloss.Style{
	Strong:  lipgloss.NewStyle().Bold(true),
	Faint:   lipgloss.NewStyle().Faint(true),
	Good:    lipgloss.NewStyle().Foreground(lipgloss.Green),
	Warn:    lipgloss.NewStyle().Foreground(lipgloss.Yellow),
	Bad:     lipgloss.NewStyle().Foreground(lipgloss.Red),
	Info:    lipgloss.NewStyle().Foreground(lipgloss.Cyan),
	Alarm:   lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true),
	Notice:  lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true),
	Success: lipgloss.NewStyle().Foreground(lipgloss.Green).Bold(true),
}

var (
	headingStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Cyan)
	boxStyle     = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
)

// Paint styles s in a tone.
func (t Theme) Paint(tone Tone, s string) string {
	st, ok := toneStyles[tone]
	if !t.Color || !ok || s == "" {
		return s
	}
	return st.Render(s)
}

// Heading styles a section heading.
func (t Theme) Heading(s string) string {
	if !t.Color {
		return s
	}
	return headingStyle.Render(s)
}

// Spans renders inline text.
func (t Theme) Spans(s Spans) string {
	var b strings.Builder
	for _, sp := range s {
		tone := sp.Tone
		if sp.Code && tone == Plain {
			tone = Strong
		}
		b.WriteString(t.Paint(tone, sp.Text))
	}
	return b.String()
}

// Box frames lines in a rounded border, drawn with box characters whether
// or not colour is on (they are plain text).
func (t Theme) Box(content string) string { return boxStyle.Render(content) }

// Word tones: the same word always has the same colour in every command.

// SeverityTone is the tone of a severity word: critical, warning, info.
func SeverityTone(s string) Tone {
	switch s {
	case "critical":
		return Alarm
	case "warning":
		return Warn
	case "info":
		return Info
	}
	return Plain
}

// HealthTone is the tone of an overall health word.
func HealthTone(h string) Tone {
	switch h {
	case "healthy":
		return Success
	case "degraded":
		return Notice
	case "critical":
		return Alarm
	}
	return Strong
}

// RatingTone is the tone of a rating word.
func RatingTone(r string) Tone {
	switch r {
	case "excellent", "good":
		return Good
	case "fair":
		return Warn
	case "poor":
		return Bad
	}
	return Plain
}

// Severity is a severity word in its tone.
func Severity(s string) Spans { return T(SeverityTone(s), s) }

// Rating is a rating word in its tone.
func Rating(r string) Spans { return T(RatingTone(r), r) }
