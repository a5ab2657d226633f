// Package threshold parses and evaluates k6-style pass/fail criteria on a
// run's final figures, such as "redis.p99<5ms", "database.error_rate<1%" or
// "*.throughput>1000" (docs/thresholds.md).
//
// The grammar is
//
//	threshold = subject "." metric op value
//	subject   = a cache or pool name, or "*" (every cache and pool with the metric)
//	op        = "<" | "<=" | ">" | ">=" | "=="
//	value     = number [unit]
//
// Spaces around the operator are allowed. The subject is everything before
// the last "." of the left side, so a name may itself contain dots. What a
// value's unit may be depends on the metric's kind (see Unit): latencies
// take ns, us (µs), ms (the default) or s; ratios take a % or a plain
// ratio from 0 to 1; rates and scores plain numbers.
//
// The package knows nothing of reports: a command hands Evaluate its run's
// figures as Subjects.
package threshold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Unit is what a metric's value measures, which decides the units its
// threshold value may carry.
type Unit int

// The units of the metrics.
const (
	Millis Unit = iota // a latency in milliseconds: 5ms, 1.5s, 500us, or a plain number of ms
	Ratio              // a ratio 0–1: 1% or 0.01
	PerSec             // operations per second: 1000 or 1000/s
	Score              // an efficiency score 0–100
)

// Subject kinds: which metrics a subject can have.
const (
	KindPool  = "pool"
	KindCache = "cache"
)

// Metric is one figure a threshold can name.
type Metric struct {
	Name  string
	Unit  Unit
	Kinds []string // the subject kinds that have it
	Doc   string   // one line for docs and help
}

var (
	pool      = []string{KindPool}
	cache     = []string{KindCache}
	poolCache = []string{KindPool, KindCache}
)

// Metrics lists every metric, in the order the docs show them.
var Metrics = []Metric{
	{"p50", Millis, pool, "operation latency, median"},
	{"p95", Millis, pool, "operation latency, 95th percentile"},
	{"p99", Millis, pool, "operation latency, 99th percentile"},
	{"max", Millis, pool, "operation latency, slowest"},
	{"acquire_p95", Millis, pool, "wait for a pooled connection, 95th percentile"},
	{"acquire_p99", Millis, pool, "wait for a pooled connection, 99th percentile"},
	{"error_rate", Ratio, pool, "failed operations ÷ operations"},
	{"throughput", PerSec, pool, "operations per second"},
	{"utilization", Ratio, poolCache, "pool: time-weighted busy share; cache: fullness (items or bytes)"},
	{"hit_rate", Ratio, cache, "cache hits ÷ lookups"},
	{"eviction_rate", Ratio, cache, "cache evictions ÷ sets"},
	{"score", Score, poolCache, "efficiency score 0–100"},
}

// MetricNames lists the metric names in order.
func MetricNames() []string {
	names := make([]string, len(Metrics))
	for i, m := range Metrics {
		names[i] = m.Name
	}
	return names
}

func lookup(name string) (Metric, bool) {
	for _, m := range Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// Ops lists the comparison operators.
var Ops = []string{"<", "<=", ">", ">=", "=="}

// Threshold is one parsed expression.
type Threshold struct {
	Expr    string  // as given, trimmed
	Subject string  // a cache or pool name, or "*"
	Metric  string  // one of Metrics
	Op      string  // one of Ops
	Limit   float64 // in the metric's unit: ms, ratio 0–1, per second, score
}

// Wildcard is the subject naming every cache and pool.
const Wildcard = "*"

// Error is an expression that does not parse. Error names the expression,
// the offending token and what would be accepted.
type Error struct {
	Source string // how the user gave it, e.g. "--threshold"; "threshold" when empty
	Expr   string
	Msg    string // what is wrong: `unknown metric "p999"`
	Hint   string // the choices or the fix
}

func (e *Error) Error() string {
	src := e.Source
	if src == "" {
		src = "threshold"
	}
	msg := fmt.Sprintf("%s in %s '%s'", e.Msg, src, e.Expr)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Parse reads one expression.
func Parse(expr string) (Threshold, error) {
	expr = strings.TrimSpace(expr)
	t := Threshold{Expr: expr}
	fail := func(msg, hint string) (Threshold, error) {
		return Threshold{}, &Error{Expr: expr, Msg: msg, Hint: hint}
	}
	ops := strings.Join(Ops, " ")
	i := strings.IndexAny(expr, "<>=!")
	if i < 0 {
		return fail("no comparison", "write SUBJECT.METRIC OP VALUE with OP one of "+ops+", e.g. redis.p99<5ms")
	}
	left, rest := strings.TrimSpace(expr[:i]), expr[i:]
	switch {
	case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "=="):
		t.Op, rest = rest[:2], rest[2:]
	case rest[0] == '<' || rest[0] == '>':
		t.Op, rest = rest[:1], rest[1:]
	default:
		return fail(fmt.Sprintf("unknown operator %q", opToken(rest)), "operators: "+ops)
	}
	if strings.ContainsAny(rest, "<>=") {
		return fail(fmt.Sprintf("unknown operator %q", t.Op+opToken(strings.TrimLeft(rest, " "))), "operators: "+ops)
	}
	dot := strings.LastIndexByte(left, '.')
	if dot < 0 {
		return fail(fmt.Sprintf("%q has no subject", left),
			fmt.Sprintf("write SUBJECT.METRIC, e.g. redis.%s or *.%s, with SUBJECT a cache or pool name or *", left, left))
	}
	t.Subject, t.Metric = strings.TrimSpace(left[:dot]), strings.TrimSpace(left[dot+1:])
	if t.Subject == "" || strings.ContainsAny(t.Subject, " \t") {
		return fail(fmt.Sprintf("subject %q is not a cache or pool name", t.Subject), "give one such as redis, or * for all")
	}
	m, ok := lookup(t.Metric)
	if !ok {
		return fail(fmt.Sprintf("unknown metric %q", t.Metric), "metrics: "+strings.Join(MetricNames(), ", "))
	}
	v, err := parseValue(strings.TrimSpace(rest), m)
	if err != nil {
		return fail(err.Error(), m.Name+" takes "+example(m))
	}
	t.Limit = v
	return t, nil
}

// opToken is the run of operator characters at the start of s.
func opToken(s string) string {
	end := 0
	for end < len(s) && strings.IndexByte("<>=!", s[end]) >= 0 {
		end++
	}
	return s[:max(end, 1)]
}

// ParseAll parses every expression; source ("--threshold",
// "WORKLOAD.THRESHOLDS") goes into the error.
func ParseAll(exprs []string, source string) ([]Threshold, error) {
	out := make([]Threshold, 0, len(exprs))
	for _, e := range exprs {
		t, err := Parse(e)
		if err != nil {
			err.(*Error).Source = source
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// parseValue reads a threshold value in m's unit.
func parseValue(s string, m Metric) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("no value after the operator")
	}
	bad := func(why string) (float64, error) {
		return 0, fmt.Errorf("value %q %s", s, why)
	}
	switch m.Unit {
	case Millis:
		compact := s
		if f := strings.Fields(s); len(f) == 2 && strings.Trim(f[1], "nuµms") == "" {
			compact = f[0] + f[1] // "5 ms"
		}
		if n, err := number(compact); err == nil {
			return n, nil // plain numbers are milliseconds, as in k6
		}
		d, err := time.ParseDuration(compact)
		if err != nil || d < 0 {
			return bad("is not a duration")
		}
		return float64(d) / float64(time.Millisecond), nil
	case Ratio:
		if p, ok := strings.CutSuffix(s, "%"); ok {
			n, err := number(strings.TrimSpace(p))
			if err != nil || n > 100 {
				return bad("is not a percentage from 0 to 100")
			}
			return n / 100, nil
		}
		n, err := number(s)
		if err != nil || n > 1 {
			return bad("is not a ratio from 0 to 1")
		}
		return n, nil
	case PerSec:
		n, err := number(strings.TrimSpace(strings.TrimSuffix(s, "/s")))
		if err != nil {
			return bad("is not a rate")
		}
		return n, nil
	default:
		n, err := number(s)
		if err != nil || n > 100 {
			return bad("is not a score from 0 to 100")
		}
		return n, nil
	}
}

// number is a finite, non-negative decimal number.
func number(s string) (float64, error) {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("not a number")
	}
	return n, nil
}

func example(m Metric) string {
	switch m.Unit {
	case Millis:
		return "a latency such as 5ms, 1.5s or 500us (a plain number is ms)"
	case Ratio:
		return "a percentage such as 1% or a ratio such as 0.01"
	case PerSec:
		return "operations per second such as 1000"
	default:
		return "a score from 0 to 100 such as 70"
	}
}

// holds reports whether value op limit.
func holds(value float64, op string, limit float64) bool {
	switch op {
	case "<":
		return value < limit
	case "<=":
		return value <= limit
	case ">":
		return value > limit
	case ">=":
		return value >= limit
	default:
		return value == limit
	}
}
