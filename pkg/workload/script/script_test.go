package script

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseRendersPlaceholders(t *testing.T) {
	src := `-- a pgbench-like transaction
\set aid random(1, 100000)
\set delta random(-5000, 5000)
BEGIN;
UPDATE accounts SET abalance = abalance + :delta
  WHERE aid = :aid;
SELECT abalance::text, ':aid', "x:aid" FROM accounts WHERE aid = :aid; -- :aid in a comment
END;
`
	sc, err := Parse("tx.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Sets) != 2 || sc.Sets[0].Name != "aid" || sc.Sets[1].Fn != FnUniform {
		t.Fatalf("sets = %+v", sc.Sets)
	}
	tests := []struct {
		style    string
		want     []string
		wantArgs [][]int
	}{
		{Dollar, []string{
			"BEGIN",
			"UPDATE accounts SET abalance = abalance + $1\n  WHERE aid = $2",
			`SELECT abalance::text, ':aid', "x:aid" FROM accounts WHERE aid = $1`,
			"-- :aid in a comment\nEND",
		}, [][]int{nil, {1, 0}, {0}, nil}},
		{Question, []string{
			"BEGIN",
			"UPDATE accounts SET abalance = abalance + ?\n  WHERE aid = ?",
			`SELECT abalance::text, ':aid', "x:aid" FROM accounts WHERE aid = ?`,
			"-- :aid in a comment\nEND",
		}, [][]int{nil, {1, 0}, {0}, nil}},
	}
	for _, tt := range tests {
		if len(sc.Statements) != len(tt.want) {
			t.Fatalf("%d statements, want %d: %+v", len(sc.Statements), len(tt.want), sc.Statements)
		}
		for i, st := range sc.Statements {
			sql, args := st.Render(tt.style)
			if sql != tt.want[i] {
				t.Errorf("%s: statement %d = %q, want %q", tt.style, i, sql, tt.want[i])
			}
			if !equalInts(args, tt.wantArgs[i]) {
				t.Errorf("%s: statement %d args = %v, want %v", tt.style, i, args, tt.wantArgs[i])
			}
		}
	}
	if got := []int{sc.Statements[0].Line, sc.Statements[1].Line, sc.Statements[2].Line}; !equalInts(got, []int{4, 5, 7}) {
		t.Errorf("lines = %v", got)
	}
	if got := sc.Statements[1].Text(sc); !strings.Contains(got, ":delta") || !strings.Contains(got, ":aid") {
		t.Errorf("Text = %q", got)
	}
}

// A variable used twice in one statement keeps its number in the $n style
// and is bound twice in the ? style.
func TestRepeatedVariable(t *testing.T) {
	sc, err := Parse("s.sql", "\\set k 7\nSELECT :k + :k")
	if err != nil {
		t.Fatal(err)
	}
	if sql, args := sc.Statements[0].Render(Dollar); sql != "SELECT $1 + $1" || !equalInts(args, []int{0}) {
		t.Errorf("dollar: %q %v", sql, args)
	}
	if sql, args := sc.Statements[0].Render(Question); sql != "SELECT ? + ?" || !equalInts(args, []int{0, 0}) {
		t.Errorf("question: %q %v", sql, args)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown meta", "SELECT 1;\n\\sleep 10", `s.sql:2: unknown meta-command \sleep`},
		{"undefined variable", "\\set a 1\nSELECT :b", "s.sql:2: variable :b is not defined"},
		{"used before set", "SELECT :a;\n\\set a 1", "s.sql:1: variable :a is not defined"},
		{"unbalanced quote", "SELECT 1;\nSELECT 'abc\nFROM t", "s.sql:2: unbalanced ' quote"},
		{"unbalanced identifier", `SELECT "x FROM t`, `s.sql:1: unbalanced " quote`},
		{"empty", "-- nothing\n\n", "no SQL statement"},
		{"meta mid statement", "SELECT\n\\set a 1\n1;", "s.sql:2: meta-command inside an unfinished statement (started on line 1)"},
		{"set without value", "\\set a\nSELECT 1", `s.sql:1: \set needs a name and a value`},
		{"bad name", "\\set a-b 1\nSELECT 1", "s.sql:1: \\set a-b: a variable name"},
		{"duplicate", "\\set a 1\n\\set a 2\nSELECT 1", "s.sql:2: \\set a: the variable is already set"},
		{"unknown function", "\\set a pareto(1, 2)\nSELECT 1", `unknown function "pareto"`},
		{"arity", "\\set a random(1)\nSELECT 1", "random takes 2 arguments, not 1"},
		{"not a number", "\\set a random(1, x)\nSELECT 1", `argument 2 of random, "x", is not a number`},
		{"float bound", "\\set a random(1.5, 3)\nSELECT 1", "argument 1 of random"},
		{"reversed bounds", "\\set a random(10, 1)\nSELECT 1", "lower bound 10 is above the upper bound 1"},
		{"zipf parameter", "\\set a random_zipfian(1, 10, 1)\nSELECT 1", "parameter 1 must be in [1.001, 1000]"},
		{"gaussian parameter", "\\set a random_gaussian(1, 10, 1.5)\nSELECT 1", "parameter 1.5 must be at least 2"},
		{"exponential parameter", "\\set a random_exponential(1, 10, 0)\nSELECT 1", "parameter 0 must be above 0"},
		{"unclosed call", "\\set a random(1, 2\nSELECT 1", "close the argument list"},
		{"literal", "\\set a 1e3\nSELECT 1", `"1e3" is neither an integer nor a function`},
		{"undefined argument", "\\set a random(1, :n)\nSELECT 1", "variable :n is not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.sql", tt.src)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q and wrap ErrInvalid", err, tt.want)
			}
		})
	}
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{"tx.sql", Spec{"tx.sql", 1}, ""},
		{"tx.sql@3", Spec{"tx.sql", 3}, ""},
		{"me@host/tx.sql", Spec{"me@host/tx.sql", 1}, ""},
		{"a@b.sql@2", Spec{"a@b.sql", 2}, ""},
		{"tx.sql@0", Spec{}, `weight "0" must be a whole number above 0`},
		{"tx.sql@-1", Spec{}, `weight "-1"`},
		{"tx.sql@1.5", Spec{}, `weight "1.5"`},
		{"tx.sql@", Spec{}, `weight ""`},
		{"@2", Spec{}, "names no file"},
		{"", Spec{}, "--script is empty"},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSpec(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// Picks follow the weights: 1:3 gives a quarter and three quarters.
func TestMixFollowsWeights(t *testing.T) {
	m := NewMix([]int{1, 3})
	r := rand.New(rand.NewPCG(1, 2))
	var n [2]int
	const draws = 100_000
	for range draws {
		n[m.Pick(r)]++
	}
	if share := float64(n[0]) / draws; math.Abs(share-0.25) > 0.01 {
		t.Errorf("share of the weight-1 script = %.3f, want 0.25", share)
	}
	if NewMix([]int{5}).Pick(r) != 0 {
		t.Error("one script: not picked")
	}
}

// Each function stays in its bounds and has its distribution's shape.
func TestDrawDistributions(t *testing.T) {
	src := `\set u random(1, 10)
\set z random_zipfian(1, 1000, 1.5)
\set g random_gaussian(1, 100, 2.5)
\set e random_exponential(1, 100, 5)
\set c 42
\set d random(:c, :c)
SELECT :u, :z, :g, :e, :c, :d`
	sc, err := Parse("d.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVars(sc, 7)
	const draws = 50_000
	var uniform [11]int
	var zipf1, zipf2, gaussMid, expLow int
	for range draws {
		if err := v.Draw(); err != nil {
			t.Fatal(err)
		}
		u, z, g, e := v.Values[0], v.Values[1], v.Values[2], v.Values[3]
		if u < 1 || u > 10 || z < 1 || z > 1000 || g < 1 || g > 100 || e < 1 || e > 100 {
			t.Fatalf("out of bounds: %v", v.Values)
		}
		if v.Values[4] != 42 || v.Values[5] != 42 {
			t.Fatalf("constant or variable bound: %v", v.Values)
		}
		uniform[u]++
		switch z {
		case 1:
			zipf1++
		case 2:
			zipf2++
		}
		if g >= 40 && g <= 61 {
			gaussMid++
		}
		if e <= 20 {
			expLow++
		}
	}
	for k := 1; k <= 10; k++ {
		if share := float64(uniform[k]) / draws; math.Abs(share-0.1) > 0.01 {
			t.Errorf("uniform: P(%d) = %.3f, want 0.1", k, share)
		}
	}
	// zipf s=1.5: P(1)/P(2) = 2^1.5 ≈ 2.83.
	if ratio := float64(zipf1) / float64(zipf2); math.Abs(ratio-math.Pow(2, 1.5)) > 0.2 {
		t.Errorf("zipf: P(1)/P(2) = %.2f, want %.2f", ratio, math.Pow(2, 1.5))
	}
	// gaussian p=2.5 over 100 values: σ is 20 ids and value 1+⌊20(x+2.5)⌋,
	// so ids 40..61 are x in [-0.55, 0.55) of the normal cut at ±2.5.
	phi := func(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }
	wantMid := (phi(0.55) - phi(-0.55)) / (phi(2.5) - phi(-2.5))
	if share := float64(gaussMid) / draws; math.Abs(share-wantMid) > 0.015 {
		t.Errorf("gaussian: share around the middle %.3f, want %.3f", share, wantMid)
	}
	// exponential p=5: the first 20 % of the range holds (1-e^-1)/(1-e^-5) ≈ 63.6 %.
	want := (1 - math.Exp(-1)) / (1 - math.Exp(-5))
	if share := float64(expLow) / draws; math.Abs(share-want) > 0.02 {
		t.Errorf("exponential: share in the first fifth %.3f, want %.3f", share, want)
	}
}

// A bound taken from a variable is checked when drawn.
func TestDrawChecksVariableBounds(t *testing.T) {
	sc, err := Parse("b.sql", "\\set hi random(1, 5)\n\\set x random(10, :hi)\nSELECT :x")
	if err != nil {
		t.Fatal(err)
	}
	if err := NewVars(sc, 1).Draw(); err == nil || !strings.Contains(err.Error(), "lower bound 10 is above") {
		t.Errorf("Draw = %v, want a bounds error", err)
	}
}

func TestDrawIsReproducible(t *testing.T) {
	sc, err := Parse("r.sql", "\\set a random(1, 1000000)\nSELECT :a")
	if err != nil {
		t.Fatal(err)
	}
	a, b := NewVars(sc, 3), NewVars(sc, 3)
	for range 100 {
		_, _ = a.Draw(), b.Draw()
		if a.Values[0] != b.Values[0] {
			t.Fatal("same seed, different values")
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
