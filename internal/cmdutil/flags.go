package cmdutil

import (
	"github.com/resync-dev/resync/internal/output"

	"fmt"
	"strconv"
	"strings"
	"time"
)

// Output formats accepted by -o/--output (output.Formats).
const (
	FormatTable    = string(output.Text)
	FormatJSON     = string(output.JSON)
	FormatMarkdown = string(output.Markdown)
	FormatHTML     = string(output.HTML)
)

// EnumValue is a pflag.Value that accepts one of a fixed set of words and
// rejects anything else while flags are parsed, naming the choices.
type EnumValue struct {
	value   string
	choices []string
}

// NewEnum returns an EnumValue with a default.
func NewEnum(def string, choices ...string) *EnumValue {
	return &EnumValue{value: def, choices: choices}
}

func (e *EnumValue) String() string { return e.value }
func (e *EnumValue) Type() string   { return strings.Join(e.choices, "|") }

// Set accepts one of the choices (case-insensitive).
func (e *EnumValue) Set(s string) error {
	for _, c := range e.choices {
		if strings.EqualFold(s, c) {
			e.value = c
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(e.choices, ", "))
}

// DurationValue is a pflag.Value that takes a Go duration ("90s", "1h30m")
// or a plain number of seconds ("3600"), and rejects negative values.
type DurationValue struct {
	D         *time.Duration
	AllowZero bool // zero is a valid value
}

// NewDuration returns a DurationValue writing to p, starting at def.
func NewDuration(p *time.Duration, def time.Duration) *DurationValue {
	*p = def
	return &DurationValue{D: p, AllowZero: true}
}

func (d *DurationValue) String() string { return d.D.String() }
func (d *DurationValue) Type() string   { return "duration" }

// Set parses a Go duration or plain seconds.
func (d *DurationValue) Set(s string) error {
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	if v == 0 && !d.AllowZero {
		return fmt.Errorf("must be greater than zero")
	}
	*d.D = v
	return nil
}

// ParseDuration accepts Go durations ("1h", "250ms") and plain seconds
// ("3600", "0.5"). Negative values are rejected.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration: use a Go duration such as 30s or 1h, or plain seconds")
	}
	var v time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		v = time.Duration(f * float64(time.Second))
	} else {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration: use a Go duration such as 30s or 1h, or plain seconds", s)
		}
		v = d
	}
	if v < 0 {
		return 0, fmt.Errorf("%q is negative: durations must be zero or more", s)
	}
	return v, nil
}
