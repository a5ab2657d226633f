package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// DefaultEnv is the environment table that always applies.
const DefaultEnv = "default"

// entry is one key set in the settings file, already converted.
type entry struct {
	key   Key
	value any
	line  int
}

// settingsFile is a parsed settings file: its entries per environment and
// every problem found in its structure and types.
type settingsFile struct {
	name     string             // the path as shown in messages
	envs     map[string][]entry // environment → entries in file order
	order    []string           // environments in file order
	problems []lineProblem
}

type lineProblem struct {
	line int
	Problem
}

// parseFile decodes a settings file and checks every environment in it:
// tables, key names and value types. Range checks (sizes, min ≤ max) are
// Validate's, on the effective configuration.
func parseFile(name string, data []byte) *settingsFile {
	f := &settingsFile{name: name, envs: map[string][]entry{}}
	var doc map[string]any
	if line, ok := tooDeep(data); !ok {
		f.problem(0, Problem{Source: Source{Kind: FromFile, Detail: fmt.Sprintf("%s:%d", name, line)},
			Reason: fmt.Sprintf("malformed TOML: arrays or tables nested more than %d deep: no setting needs that; fix the brackets at that line", maxNesting)})
		return f
	}
	ls, dupLine := locate(data)
	if err := toml.Unmarshal(data, &doc); err != nil {
		f.problem(0, syntaxProblem(name, err, dupLine))
		return f
	}
	for _, env := range byLine(doc, ls) {
		f.parseEnv(ls, env, doc[env])
	}
	slices.SortStableFunc(f.problems, func(a, b lineProblem) int { return a.line - b.line })
	return f
}

// problemList returns the file's problems in line order.
func (f *settingsFile) problemList() []Problem {
	out := make([]Problem, len(f.problems))
	for i, p := range f.problems {
		out[i] = p.Problem
	}
	return out
}

// syntaxProblem reports a decoding error at its position: the decoder's
// own for syntax errors, the located second definition for a key or table
// defined twice (which the decoder reports without one).
func syntaxProblem(name string, err error, dupLine int) Problem {
	at := Source{Kind: FromFile, Detail: name}
	var de *toml.DecodeError
	switch {
	case errors.As(err, &de):
		row, col := de.Position()
		at.Detail = fmt.Sprintf("%s:%d:%d", name, row, col)
	case dupLine > 0:
		at.Detail = fmt.Sprintf("%s:%d", name, dupLine)
	}
	return Problem{Source: at, Reason: "malformed TOML: " + strings.TrimPrefix(err.Error(), "toml: ") +
		": fix the syntax at that line (https://toml.io describes the format)"}
}

// parseEnv checks one top-level table, which names an environment.
func (f *settingsFile) parseEnv(ls lines, env string, v any) {
	line := ls.line(env)
	at := f.at(line)
	tables, ok := v.(map[string]any)
	switch {
	case !ok:
		where := "[" + DefaultEnv + ".SECTION]"
		if k, found := findField(env); found {
			where = "[" + DefaultEnv + "." + k.Table() + "]"
		}
		f.problem(line, Problem{Source: at, Reason: fmt.Sprintf(
			"%s is outside any environment table: settings go under a table such as %s", env, where)})
		return
	case slices.ContainsFunc(Tables(), func(t string) bool { return strings.EqualFold(t, env) }):
		f.problem(line, Problem{Source: at, Reason: fmt.Sprintf(
			"[%s] is read as an environment named %q: top-level tables are environments, write [%s.%s] (or [production.%s], …)",
			env, env, DefaultEnv, strings.ToUpper(env), strings.ToUpper(env))})
		return
	}
	f.order = append(f.order, env)
	f.envs[env] = []entry{}
	for _, table := range byLine(tables, ls, env) {
		f.parseTable(ls, env, table, tables[table])
	}
}

// parseTable checks one table of an environment ([default.ASYNC_CACHE]).
func (f *settingsFile) parseTable(ls lines, env, table string, v any) {
	line := ls.line(env, table)
	at := f.at(line)
	fields, isTable := v.(map[string]any)
	if !slices.Contains(Tables(), table) {
		if !isTable {
			// A key written straight into the environment table.
			reason := fmt.Sprintf("unknown key %s in [%s]: an environment holds only the tables %s", table, env, tableList())
			if k, found := findField(table); found {
				reason = fmt.Sprintf("%s is not inside a table: move it under [%s.%s]", table, env, k.Table())
			}
			f.problem(line, Problem{Key: env + "." + table, Source: at, Reason: reason})
			return
		}
		f.problem(line, Problem{Key: env + "." + table, Source: at, Reason: fmt.Sprintf("unknown table [%s.%s]: %s",
			env, table, join(didYouMean(suggest(table, Tables()), func(s string) string { return "[" + env + "." + s + "]" }),
				"an environment holds the tables "+tableList()))})
		return
	}
	if !isTable {
		f.problem(line, Problem{Key: env + "." + table, Source: at, Reason: fmt.Sprintf(
			"%s.%s must be a table: write a [%s.%s] header followed by KEY = value lines", env, table, env, table)})
		return
	}
	for _, field := range byLine(fields, ls, env, table) {
		line := ls.line(env, table, field)
		at := f.at(line)
		k, ok := LookupKey(table + "." + field)
		if !ok {
			f.problem(line, Problem{Key: env + "." + table + "." + field, Source: at, Reason: unknownKeyReason(env, table, field)})
			continue
		}
		val, err := k.fromTOML(fields[field])
		if err != nil {
			f.problem(line, Problem{Key: k.Name, Value: tomlValueText(fields[field]), Source: at, Reason: err.Error()})
			continue
		}
		f.envs[env] = append(f.envs[env], entry{key: k, value: val, line: line})
	}
}

// unknownKeyReason explains an unknown key and suggests the intended one:
// the same key in another table, the key an environment variable name
// stands for, or a close spelling.
func unknownKeyReason(env, table, field string) string {
	reason := fmt.Sprintf("unknown key %s in [%s.%s]", field, env, table)
	if k, ok := LookupKey(table + "." + strings.ToUpper(field)); ok {
		return reason + fmt.Sprintf(": keys are upper case, write %s", k.Field())
	}
	if k, ok := findField(field); ok && k.Table() != table {
		return reason + fmt.Sprintf(": %s belongs in [%s.%s]", k.Field(), env, k.Table())
	}
	for _, k := range registry {
		if k.Table() == table && slices.ContainsFunc(k.Env, func(e string) bool { return strings.EqualFold(e, field) }) {
			return reason + fmt.Sprintf(": %s is the environment variable; in the file the key is %s", strings.ToUpper(field), k.Field())
		}
	}
	var fields []string
	for _, k := range registry {
		if k.Table() == table {
			fields = append(fields, k.Field())
		}
	}
	hint := didYouMean(suggest(field, fields), func(s string) string { return s })
	return reason + ": " + join(hint, "docs/configuration.md and `resync config init --path -` list every key")
}

// findField returns the key whose field name is name (any case), in
// whichever table.
func findField(name string) (Key, bool) {
	for _, k := range registry {
		if strings.EqualFold(k.Field(), name) {
			return k, true
		}
	}
	return Key{}, false
}

func (f *settingsFile) at(line int) Source {
	if line <= 0 {
		return Source{Kind: FromFile, Detail: f.name}
	}
	return Source{Kind: FromFile, Detail: fmt.Sprintf("%s:%d", f.name, line)}
}

func (f *settingsFile) problem(line int, p Problem) {
	f.problems = append(f.problems, lineProblem{line, p})
}

// byLine returns the keys of m in the order they appear in the file.
func byLine(m map[string]any, ls lines, parent ...string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		la, lb := ls.line(append(parent, a)...), ls.line(append(parent, b)...)
		if la != lb {
			return la - lb
		}
		return strings.Compare(a, b)
	})
	return keys
}

func tableList() string {
	t := Tables()
	return strings.Join(t[:len(t)-1], ", ") + " and " + t[len(t)-1]
}

// join appends a general hint to a specific one, in parentheses.
func join(specific, general string) string {
	if specific == "" {
		return general
	}
	return specific + " (" + general + ")"
}

// maxNesting bounds the depth of [ and { in a settings file. The deepest
// real setting is a list of URLs (depth 1 inside a table header's 2); the
// bound refuses a pathological file (100,000 "[") at once, before the
// decoder and the messages spend seconds on it.
const maxNesting = 32

// tooDeep scans data for brackets outside strings and comments and returns
// the line where the nesting first passes maxNesting, and false; true when
// it never does. Multi-line strings are approximated by their quotes, which
// is enough for a bound this far above any real file.
func tooDeep(data []byte) (int, bool) {
	line, depth := 1, 0
	var quote byte // the open string's quote, 0 outside strings
	comment := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
			comment = false
		case comment:
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			comment = true
		case c == '[' || c == '{':
			if depth++; depth > maxNesting {
				return line, false
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return line, true
}
