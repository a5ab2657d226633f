package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// Problem is one thing wrong with the configuration: which key, which
// value, where it came from, and what to do about it.
type Problem struct {
	// Key is the configuration key ("CONNECTION_POOL.DB_POOL_MAX_SIZE"),
	// or the unknown name as written in the file; "" for file-level
	// problems such as malformed TOML.
	Key string
	// Value is the offending value as text, secrets redacted; "" when the
	// problem is not about a value.
	Value string
	// Source says where the key or value came from.
	Source Source
	// Reason says what is wrong and how to fix it.
	Reason string
}

// Where renders the source the way compilers do: "settings.toml:12",
// "env DB_POOL_MAX_SIZE", "flag --duration".
func (p Problem) Where() string {
	if p.Source.Kind == FromFile && p.Source.Detail != "" {
		return p.Source.Detail
	}
	return p.Source.String()
}

// Error renders the problem on one line. Secrets are redacted.
func (p Problem) Error() string {
	var b strings.Builder
	if w := p.Where(); w != "" {
		b.WriteString(w + ": ")
	}
	if p.Value != "" {
		fmt.Fprintf(&b, "%s = %s: ", p.Key, clip(p.Value))
	}
	b.WriteString(p.Reason)
	return redact.Text(b.String())
}

// Error is every problem found while loading and validating the
// configuration. The commands map it to exit code 2 (usage or
// configuration error).
type Error struct {
	Problems []Problem
}

// Error lists every problem, one per line.
func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "invalid configuration: " + e.Problems[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	shown := e.Problems[:min(len(e.Problems), MaxProblemsShown)]
	for _, p := range shown {
		b.WriteString("\n  " + p.Error())
	}
	if rest := e.Problems[len(shown):]; len(rest) > 0 {
		what := "problems"
		if !slices.ContainsFunc(rest, func(p Problem) bool { return !strings.HasPrefix(p.Reason, "unknown key ") }) {
			what = "unknown keys"
		}
		fmt.Fprintf(&b, "\n  … and %s more %s (fix the first ones, or run resync config validate -o json for the full list)", thousands(len(rest)), what)
	}
	return b.String()
}

// MaxProblemsShown is how many problems Error lists one per line; a summary
// line counts the rest (a file of 5,000 unknown keys is one mistake, not a
// screenful). Problems still holds every one.
const MaxProblemsShown = 20

// maxValueText is the most of a value a message quotes; longer values are
// cut with "…" so a pathological line cannot flood the terminal.
const maxValueText = 120

// clip shortens s to maxValueText runes.
func clip(s string) string {
	if r := []rune(s); len(r) > maxValueText {
		return string(r[:maxValueText]) + "…"
	}
	return s
}

// thousands renders n with comma separators: 4980 → "4,980".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Unwrap exposes each Problem to errors.As.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects Problems, dropping exact duplicates (an error in
// [default] found once per environment by CheckFile).
type problems struct {
	list []Problem
	seen map[string]bool
}

func (ps *problems) add(p Problem) {
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	msg := p.Error()
	if ps.seen[msg] {
		return
	}
	ps.seen[msg] = true
	ps.list = append(ps.list, p)
}

func (ps *problems) addAll(list []Problem) {
	for _, p := range list {
		ps.add(p)
	}
}

// err returns nil or an *Error holding every problem.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &Error{Problems: ps.list}
}
