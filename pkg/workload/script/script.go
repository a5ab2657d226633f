// Package script parses the workload scripts of --script (SQL, pgbench's
// format where it makes sense) and draws their variables.
//
// A script is SQL statements separated by semicolons, run in order on one
// checked-out connection (a transaction when the file has BEGIN and
// COMMIT), and meta-commands on lines of their own:
//
//	\set aid random(1, 100000)
//	\set hot random_zipfian(1, 1000, 1.1)
//	BEGIN;
//	UPDATE accounts SET abalance = abalance + 1 WHERE aid = :aid;
//	SELECT abalance FROM accounts WHERE aid = :aid;
//	COMMIT;
//
// A :name in a statement becomes a bind parameter in the driver's own
// placeholder style ($1 for PostgreSQL, ? for MySQL and SQLite); it is never
// spliced into the SQL text. Inside quotes, in -- comments and in a ::cast
// a colon is left alone.
package script

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalid wraps every parse error, so a command can report it as bad
// usage (exit code 2).
var ErrInvalid = errors.New("invalid script")

// Script is one parsed script file.
type Script struct {
	// Name is the file the script came from (used in results).
	Name string
	// Sets are the \set commands, in file order; each is drawn once per
	// run of the script, before its statements.
	Sets []Set
	// Statements run in order on one connection.
	Statements []Statement
	// vars maps a variable name to its index in Sets.
	vars map[string]int
}

// Statement is one SQL statement with its :name references.
type Statement struct {
	// Line is the line the statement starts on (1-based).
	Line int
	// parts are the SQL text between references: len(parts) = len(Refs)+1.
	parts []string
	// Refs are the variables referenced, in order of appearance: indexes
	// into Script.Sets.
	Refs []int
}

// Text is the statement as written, for results and errors.
func (s Statement) Text(sc *Script) string {
	var b strings.Builder
	for i, p := range s.parts {
		b.WriteString(p)
		if i < len(s.Refs) {
			b.WriteString(":" + sc.Sets[s.Refs[i]].Name)
		}
	}
	return b.String()
}

// Placeholder styles.
const (
	Dollar   = "dollar"   // $1, $2, … (PostgreSQL); a variable used twice keeps its number
	Question = "question" // ?, one per reference (MySQL, SQLite)
)

// Render returns the statement's SQL in a placeholder style and, for each
// placeholder number (in order), the Sets index of the variable it binds.
func (s Statement) Render(style string) (sql string, args []int) {
	var b strings.Builder
	num := map[int]int{}
	for i, p := range s.parts {
		b.WriteString(p)
		if i >= len(s.Refs) {
			break
		}
		v := s.Refs[i]
		if style == Dollar {
			n, ok := num[v]
			if !ok {
				args = append(args, v)
				n = len(args)
				num[v] = n
			}
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		args = append(args, v)
		b.WriteByte('?')
	}
	return b.String(), args
}

// Parse parses a script. name is the file name errors start with
// ("name:line: …").
func Parse(name, src string) (*Script, error) {
	p := &parser{sc: &Script{Name: name, vars: map[string]int{}}, name: name}
	if err := p.parse(src); err != nil {
		return nil, err
	}
	if len(p.sc.Statements) == 0 {
		return nil, fmt.Errorf("%w: %s: no SQL statement: add one, such as SELECT 1;", ErrInvalid, name)
	}
	return p.sc, nil
}

type parser struct {
	sc   *Script
	name string
	// the statement being read
	cur     strings.Builder
	curLine int
	refs    []int
	parts   []string
}

func (p *parser) errf(line int, format string, args ...any) error {
	return fmt.Errorf("%w: %s:%d: %s", ErrInvalid, p.name, line, fmt.Sprintf(format, args...))
}

func (p *parser) parse(src string) error {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	// quote is the quote character open across lines (0 when none).
	var quote byte
	quoteLine := 0
	for i, line := range lines {
		n := i + 1
		if quote == 0 && strings.HasPrefix(strings.TrimSpace(line), `\`) {
			if pending := strings.TrimSpace(p.cur.String()); len(p.refs) > 0 || pending != "" && !isCommentOnly(pending) {
				return p.errf(n, "meta-command inside an unfinished statement (started on line %d): end the statement with ; first", p.curLine)
			}
			p.cur.Reset()
			p.curLine = 0
			if err := p.meta(n, strings.TrimSpace(line)); err != nil {
				return err
			}
			continue
		}
		var err error
		if quote, err = p.sql(n, line, quote); err != nil {
			return err
		}
		if quote != 0 && quoteLine == 0 {
			quoteLine = n
		} else if quote == 0 {
			quoteLine = 0
		}
		p.cur.WriteByte('\n')
	}
	if quote != 0 {
		return p.errf(quoteLine, "unbalanced %c quote: close it", quote)
	}
	p.flush()
	return nil
}

// sql reads one line of SQL, splitting statements at semicolons outside
// quotes and comments and collecting :name references.
func (p *parser) sql(n int, line string, quote byte) (byte, error) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			p.cur.WriteByte(c)
			if c == quote {
				if i+1 < len(line) && line[i+1] == quote { // doubled quote
					p.cur.WriteByte(c)
					i++
					continue
				}
				quote = 0
			}
			continue
		}
		if p.curLine == 0 && c != ' ' && c != '\t' {
			p.curLine = n
		}
		switch {
		case c == '\'' || c == '"' || c == '`':
			quote = c
			p.cur.WriteByte(c)
		case c == '-' && i+1 < len(line) && line[i+1] == '-':
			if len(p.parts) == 0 && strings.TrimSpace(p.cur.String()) == "" {
				p.curLine = 0 // a comment does not start the statement
			}
			p.cur.WriteString(line[i:])
			return 0, nil
		case c == ';':
			p.cur.WriteByte(c)
			p.flush()
		case c == ':' && i+1 < len(line) && line[i+1] == ':':
			p.cur.WriteString("::")
			i++
		case c == ':' && i+1 < len(line) && isNameByte(line[i+1]):
			j := i + 1
			for j < len(line) && isNameByte(line[j]) {
				j++
			}
			v := line[i+1 : j]
			idx, ok := p.sc.vars[v]
			if !ok {
				return 0, p.errf(n, "variable :%s is not defined: add \\set %s random(1, 100000) (or another value) above its first use", v, v)
			}
			p.parts = append(p.parts, p.cur.String())
			p.cur.Reset()
			p.refs = append(p.refs, idx)
			i = j - 1
		default:
			p.cur.WriteByte(c)
		}
	}
	return quote, nil
}

// flush ends the statement being read, if it holds any SQL.
func (p *parser) flush() {
	last := p.cur.String()
	p.cur.Reset()
	body := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(last), ";"))
	if len(p.refs) == 0 && (body == "" || isCommentOnly(body)) {
		p.curLine, p.parts = 0, nil
		return
	}
	parts := append(p.parts, last)
	parts[0] = strings.TrimLeft(parts[0], " \t\n")
	k := len(parts) - 1
	parts[k] = strings.TrimRight(strings.TrimSuffix(strings.TrimRight(parts[k], " \t\n"), ";"), " \t\n")
	p.sc.Statements = append(p.sc.Statements, Statement{Line: p.curLine, parts: parts, Refs: p.refs})
	p.curLine, p.parts, p.refs = 0, nil, nil
}

func isCommentOnly(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// meta parses a backslash command.
func (p *parser) meta(n int, line string) error {
	cmd, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch cmd {
	case `\set`:
		name, expr, _ := strings.Cut(rest, " ")
		expr = strings.TrimSpace(expr)
		if name == "" || expr == "" {
			return p.errf(n, `\set needs a name and a value: \set aid random(1, 100000)`)
		}
		for i := 0; i < len(name); i++ {
			if !isNameByte(name[i]) {
				return p.errf(n, `\set %s: a variable name is letters, digits and _ only`, name)
			}
		}
		if _, dup := p.sc.vars[name]; dup {
			return p.errf(n, `\set %s: the variable is already set: give it another name`, name)
		}
		s, err := parseExpr(expr, p.sc.vars)
		if err != nil {
			return p.errf(n, `\set %s: %v`, name, err)
		}
		s.Name = name
		p.sc.vars[name] = len(p.sc.Sets)
		p.sc.Sets = append(p.sc.Sets, s)
		return nil
	default:
		return p.errf(n, `unknown meta-command %s: the one supported is \set NAME EXPRESSION`, cmd)
	}
}
