package adversarial

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The areas of the table, in its order.
const (
	AreaSecrets    = "secrets"
	AreaBadInputs  = "bad inputs"
	AreaTimeBounds = "time bounds"
	AreaHealth     = "health"
)

var areaOrder = []string{AreaSecrets, AreaBadInputs, AreaTimeBounds, AreaHealth}

// Case is one adversarial check: Check returns nil when resync behaved, or
// what it did wrong. dir is the case's own temporary directory.
type Case struct {
	Area, Name string
	Check      func(t *testing.T, r Runner, dir string) error
	// Serve: the case starts resync serve. The quick form leaves these out
	// (internal/secretstest reads serve's bodies in every go test).
	Serve bool
}

// Outcome is a case's verdict.
type Outcome struct {
	Case
	Err error
}

// Cases are every area's cases.
func Cases() []Case {
	var cs []Case
	cs = append(cs, SecretCases()...)
	cs = append(cs, BadInputCases()...)
	cs = append(cs, TimeBoundCases()...)
	cs = append(cs, HealthCases()...)
	return cs
}

// Tally counts the cases and the passed ones per area.
func Tally(outs []Outcome) map[string][2]int {
	m := map[string][2]int{}
	for _, o := range outs {
		n := m[o.Area]
		n[0]++
		if o.Err == nil {
			n[1]++
		}
		m[o.Area] = n
	}
	return m
}

// WriteTable prints "area | cases | passed" as a Markdown table, the areas
// in their order, and a total.
func WriteTable(w io.Writer, outs []Outcome) {
	m := Tally(outs)
	areas := append([]string{}, areaOrder...)
	for a := range m {
		if !slices.Contains(areas, a) {
			areas = append(areas, a)
		}
	}
	sort.SliceStable(areas[len(areaOrder):], func(i, j int) bool { return areas[len(areaOrder)+i] < areas[len(areaOrder)+j] })
	fmt.Fprintln(w, "| area | cases | passed |")
	fmt.Fprintln(w, "|---|---:|---:|")
	var total [2]int
	for _, a := range areas {
		n, ok := m[a]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %d |\n", a, n[0], n[1])
		total[0] += n[0]
		total[1] += n[1]
	}
	fmt.Fprintf(w, "| total | %d | %d |\n", total[0], total[1])
}

// WriteFailures lists the failed cases with their reasons, one line each.
func WriteFailures(w io.Writer, outs []Outcome) {
	for _, o := range outs {
		if o.Err != nil {
			fmt.Fprintf(w, "FAIL %s / %s: %s\n", o.Area, o.Name, oneLine(o.Err.Error(), 300))
		}
	}
}

// oneLine flattens s and cuts it to n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// RunAll runs the cases of the given areas (all when none), each as a
// subtest, and returns the outcomes; withServe false leaves out the cases
// that start serve.
func RunAll(t *testing.T, r Runner, cases []Case, withServe bool, areas ...string) []Outcome {
	var outs []Outcome
	for _, c := range cases {
		if len(areas) > 0 && !slices.Contains(areas, c.Area) || c.Serve && !withServe {
			continue
		}
		var err error
		ran := false
		t.Run(c.Area+"/"+c.Name, func(t *testing.T) { ran = true; err = c.Check(t, r, t.TempDir()) })
		if ran { // not filtered out by -run
			outs = append(outs, Outcome{Case: c, Err: err})
		}
	}
	return outs
}
