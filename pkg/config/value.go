package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
)

// maxSeconds is the largest number of seconds a time.Duration holds.
const maxSeconds = float64(math.MaxInt64) / float64(time.Second)

// fromTOML converts a value decoded from the settings file to the key's Go
// type. The error says what was expected and how to write it.
func (k Key) fromTOML(v any) (any, error) {
	switch k.Type {
	case TypeInt:
		switch n := v.(type) {
		case int64:
			if n > math.MaxInt || n < math.MinInt {
				return nil, fmt.Errorf("%d is too large for an integer", n)
			}
			return int(n), nil
		case float64:
			if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
				return int(n), nil
			}
			return nil, fmt.Errorf("expected a whole number, got %v: write an integer such as %s = %s", n, k.Field(), k.Default)
		}
	case TypeSeconds, TypeDuration:
		switch n := v.(type) {
		case int64:
			return secondsToDuration(float64(n))
		case float64:
			return secondsToDuration(n)
		case string:
			return parseDuration(n)
		}
	case TypeNumber:
		switch n := v.(type) {
		case int64:
			return float64(n), nil
		case float64:
			return finite(n)
		}
	case TypeString, TypeURL:
		if s, ok := v.(string); ok {
			return k.normalize(s), nil
		}
	case TypeURLList:
		switch l := v.(type) {
		case string:
			// A settings file has lists; only an environment variable
			// (one string) separates URLs with commas.
			quoted := make([]string, 0, 1)
			for _, u := range splitURLs(l) {
				quoted = append(quoted, strconv.Quote(redact.URL(u)))
			}
			if len(quoted) == 0 {
				quoted = append(quoted, strconv.Quote(k.Example))
			}
			return nil, fmt.Errorf("expected a list of URLs, got a string: write it as a list, %s = [%s]", k.Field(), strings.Join(quoted, ", "))
		case []any:
			return stringList(k, l)
		}
	case TypeList:
		switch l := v.(type) {
		case string:
			return nil, fmt.Errorf("expected a list of strings, got a string: write it as a list, %s = [%q]", k.Field(), l)
		case []any:
			return stringList(k, l)
		}
	}
	return nil, fmt.Errorf("expected %s, got %s: write it as %s = %s", typeNoun(k), tomlTypeName(v), k.Field(), k.sampleLiteral())
}

// stringList converts a TOML array whose elements must all be strings.
func stringList(k Key, l []any) ([]string, error) {
	noun := "element"
	if k.Type == TypeURLList {
		noun = "URL"
	}
	out := make([]string, 0, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("element %d is %s: write each %s as a quoted string, e.g. %s = [%q]", i+1, tomlTypeName(e), noun, k.Field(), k.Example)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, nil
}

// fromText parses the text of an environment variable or a flag.
func (k Key) fromText(s string) (any, error) {
	s = strings.TrimSpace(s)
	switch k.Type {
	case TypeInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("not a whole number: use an integer such as %s", k.Default)
		}
		return n, nil
	case TypeSeconds, TypeDuration:
		return parseDuration(s)
	case TypeNumber:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("not a number: use a number such as %s", k.Default)
		}
		return finite(f)
	case TypeURLList:
		return splitURLs(s), nil
	case TypeList:
		var out []string
		for _, e := range strings.Split(s, ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
		return out, nil
	default:
		return k.normalize(s), nil
	}
}

// normalize trims a string and lower-cases the value of a key with
// choices (DISTRIBUTION = "Zipf" is zipf).
func (k Key) normalize(s string) string {
	s = strings.TrimSpace(s)
	if k.Choices != nil {
		s = strings.ToLower(s)
	}
	return s
}

// set stores a value returned by fromTOML or fromText.
func (k Key) set(c *Config, v any) {
	switch p := k.field(c).(type) {
	case *int:
		*p = v.(int)
	case *time.Duration:
		*p = v.(time.Duration)
	case *float64:
		*p = v.(float64)
	case *string:
		*p = v.(string)
	case *[]string:
		*p = v.([]string)
	}
}

// Text returns the key's value in c as text for tables, with every URL
// redacted. Lists are comma-separated; seconds are plain numbers.
func (k Key) Text(c *Config) string {
	switch v := k.Value(c).(type) {
	case []string:
		return strings.Join(v, ",")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// Value returns the key's value in c in a form fit for JSON: integers,
// seconds as numbers, WORKLOAD.DURATION as a duration string, URLs
// redacted, lists never nil.
func (k Key) Value(c *Config) any {
	switch p := k.field(c).(type) {
	case *int:
		return *p
	case *time.Duration:
		if k.Type == TypeDuration {
			return p.String()
		}
		return p.Seconds()
	case *float64:
		return *p
	case *string:
		if k.Type == TypeURL {
			return redact.URL(*p)
		}
		return *p
	case *[]string:
		out := make([]string, len(*p))
		for i, u := range *p {
			out[i] = u
			if k.Type == TypeURLList {
				out[i] = redact.URL(u)
			}
		}
		return out
	}
	return nil
}

// text is Text without redaction, for defaults.
func (k Key) text(c *Config) string {
	if p, ok := k.field(c).(*[]string); ok {
		return strings.Join(*p, ",")
	}
	if p, ok := k.field(c).(*string); ok {
		return *p
	}
	return k.Text(c)
}

// literal renders the key's value in c as a TOML value (redacted).
func (k Key) literal(c *Config) string {
	switch v := k.Value(c).(type) {
	case string:
		return strconv.Quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	default:
		return k.Text(c)
	}
}

// sampleLiteral is a TOML value showing how to write the key.
func (k Key) sampleLiteral() string {
	switch k.Type {
	case TypeURL:
		return strconv.Quote(k.Example)
	case TypeURLList, TypeList:
		return "[" + strconv.Quote(k.Example) + "]"
	case TypeString, TypeDuration:
		return strconv.Quote(k.Default)
	default:
		return k.Default
	}
}

func typeNoun(k Key) string {
	switch k.Type {
	case TypeInt:
		return "an integer"
	case TypeSeconds:
		return "a number of seconds"
	case TypeDuration:
		return "a duration"
	case TypeNumber:
		return "a number"
	case TypeURL:
		return "a URL string"
	case TypeURLList:
		return "an array of URL strings"
	case TypeList:
		return "an array of strings"
	default:
		return "a string"
	}
}

// tomlTypeName names the TOML type of a decoded value for messages.
func tomlTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}

// tomlValueText renders a decoded TOML value for a message, redacting
// anything that looks like a URL secret.
func tomlValueText(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(redact.URL(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlValueText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{…}"
	default:
		return redact.Text(fmt.Sprint(x))
	}
}

// parseDuration accepts plain seconds ("60", "0.5") and Go durations
// ("90s", "1h30m"). Negative values pass; Validate rejects them with the
// key's name.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty: use seconds such as 30 or a Go duration such as 30s or 1m")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return secondsToDuration(f)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("not a duration: use seconds such as 30 or a Go duration such as 30s, 1m or 1h30m")
	}
	return d, nil
}

func secondsToDuration(f float64) (time.Duration, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= maxSeconds {
		return 0, fmt.Errorf("%v seconds is out of range: use at most %d seconds", f, math.MaxInt64/int64(time.Second))
	}
	return time.Duration(math.Round(f * float64(time.Second))), nil
}

func finite(f float64) (float64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%v is not a finite number: use a number such as 100", f)
	}
	return f, nil
}
