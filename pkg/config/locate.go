package config

import (
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// lines maps a dotted path in a TOML document (joined with pathSep) to the
// line where it is first defined: the key of a key/value pair, or the
// header of a table. The decoder does not report positions, so the
// document is walked once more with go-toml's syntax-tree parser.
type lines map[string]int

const pathSep = "\x00"

func pathKey(parts ...string) string { return strings.Join(parts, pathSep) }

// locate returns the line of every key and table in data, and the line
// where a key or table is defined a second time (0 if none): the decoder
// reports that mistake without a position. It gives up quietly on a syntax
// error, which the decoder reports with its position. Line numbers only
// improve messages, so a panic in the (explicitly unstable) parser API
// costs them and nothing else.
func locate(data []byte) (ls lines, dupLine int) {
	ls = lines{}
	defer func() {
		if recover() != nil {
			ls, dupLine = lines{}, 0
		}
	}()
	defined := map[string]bool{}
	define := func(path []string, line int) {
		k := pathKey(path...)
		if defined[k] && dupLine == 0 {
			dupLine = line
		}
		defined[k] = true
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table = ls.record(&p, nil, e.Key())
			define(table, ls.line(table...))
		case unstable.ArrayTable:
			table = ls.record(&p, nil, e.Key())
		case unstable.KeyValue:
			key := e.Key()
			key.Next()
			line := p.Shape(key.Node().Raw).Start.Line
			define(ls.keyValue(&p, table, e), line)
		}
	}
	return ls, dupLine
}

// keyValue records a (possibly dotted) key and, for an inline table, the
// keys inside it. It returns the key's path.
func (ls lines) keyValue(p *unstable.Parser, table []string, kv *unstable.Node) []string {
	path := ls.record(p, table, kv.Key())
	v := kv.Value()
	if v == nil || v.Kind != unstable.InlineTable {
		return path
	}
	it := v.Children()
	for it.Next() {
		if c := it.Node(); c.Kind == unstable.KeyValue {
			ls.keyValue(p, path, c)
		}
	}
	return path
}

// record notes the line of every prefix of base+key not seen before and
// returns the full path.
func (ls lines) record(p *unstable.Parser, base []string, key unstable.Iterator) []string {
	path := append([]string(nil), base...)
	for key.Next() {
		n := key.Node()
		path = append(path, string(n.Data))
		k := pathKey(path...)
		if _, seen := ls[k]; !seen {
			ls[k] = p.Shape(n.Raw).Start.Line
		}
	}
	return path
}

// line returns the line of a path, or of its closest recorded parent, or 0.
func (ls lines) line(parts ...string) int {
	for n := len(parts); n > 0; n-- {
		if l, ok := ls[pathKey(parts[:n]...)]; ok {
			return l
		}
	}
	return 0
}
