package script

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/internal/zipf"
)

// Functions of \set, as pgbench defines them.
const (
	FnConst       = ""                   // a literal integer
	FnUniform     = "random"             // random(lb, ub): uniform on [lb, ub]
	FnZipfian     = "random_zipfian"     // random_zipfian(lb, ub, s): P(lb+k-1) ∝ 1/k^s, 1.001 ≤ s ≤ 1000
	FnGaussian    = "random_gaussian"    // random_gaussian(lb, ub, p): normal around the middle, cut at ±p σ, p ≥ 2
	FnExponential = "random_exponential" // random_exponential(lb, ub, p): exponential from lb, p > 0
)

// pgbench's bounds on the shape parameters.
const (
	minGaussian = 2.0
	minZipfian  = 1.001
	maxZipfian  = 1000.0
)

// Set is one \set: a variable drawn from a function of its arguments.
type Set struct {
	Name string
	Fn   string
	// Args are the arguments; an argument that names an earlier variable
	// has its Sets index in Refs (-1 for a literal).
	Args []float64
	Refs []int
}

// parseExpr parses an integer literal or fn(arg, …), each argument a
// number or an earlier :variable.
func parseExpr(expr string, vars map[string]int) (Set, error) {
	open := strings.IndexByte(expr, '(')
	if open < 0 {
		v, err := strconv.ParseInt(expr, 10, 64)
		if err != nil {
			return Set{}, fmt.Errorf("%q is neither an integer nor a function: use random(1, 100000), random_zipfian, random_gaussian or random_exponential", expr)
		}
		return Set{Fn: FnConst, Args: []float64{float64(v)}, Refs: []int{-1}}, nil
	}
	fn := strings.TrimSpace(expr[:open])
	if !strings.HasSuffix(expr, ")") {
		return Set{}, fmt.Errorf("%q: close the argument list with )", expr)
	}
	want := map[string]int{FnUniform: 2, FnZipfian: 3, FnGaussian: 3, FnExponential: 3}[fn]
	if want == 0 {
		return Set{}, fmt.Errorf("unknown function %q: use random, random_zipfian, random_gaussian or random_exponential", fn)
	}
	list := strings.Split(expr[open+1:len(expr)-1], ",")
	if len(list) != want {
		return Set{}, fmt.Errorf("%s takes %d arguments, not %d", fn, want, len(list))
	}
	s := Set{Fn: fn}
	for i, a := range list {
		a = strings.TrimSpace(a)
		if v, ok := strings.CutPrefix(a, ":"); ok {
			idx, ok := vars[v]
			if !ok {
				return Set{}, fmt.Errorf("variable :%s is not defined: \\set it on an earlier line", v)
			}
			s.Args, s.Refs = append(s.Args, 0), append(s.Refs, idx)
			continue
		}
		var f float64
		var err error
		if i < 2 { // bounds are integers
			var n int64
			n, err = strconv.ParseInt(a, 10, 64)
			f = float64(n)
		} else {
			f, err = strconv.ParseFloat(a, 64)
		}
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Set{}, fmt.Errorf("argument %d of %s, %q, is not a number", i+1, fn, a)
		}
		s.Args, s.Refs = append(s.Args, f), append(s.Refs, -1)
	}
	if s.Refs[0] < 0 && s.Refs[1] < 0 && s.Args[0] > s.Args[1] {
		return Set{}, fmt.Errorf("%s: the lower bound %v is above the upper bound %v: swap them", fn, s.Args[0], s.Args[1])
	}
	if len(s.Args) == 3 && s.Refs[2] < 0 {
		if err := checkParam(fn, s.Args[2]); err != nil {
			return Set{}, err
		}
	}
	return s, nil
}

func checkParam(fn string, p float64) error {
	switch {
	case fn == FnZipfian && (p < minZipfian || p > maxZipfian):
		return fmt.Errorf("%s: parameter %v must be in [%v, %v]", fn, p, minZipfian, maxZipfian)
	case fn == FnGaussian && p < minGaussian:
		return fmt.Errorf("%s: parameter %v must be at least %v", fn, p, minGaussian)
	case fn == FnExponential && p <= 0:
		return fmt.Errorf("%s: parameter %v must be above 0", fn, p)
	}
	return nil
}

// Vars draws a script's variables. It is not safe for concurrent use: give
// each worker its own.
type Vars struct {
	sc     *Script
	r      *rand.Rand
	Values []int64 // by Sets index, after Draw
	args   []float64
	zipf   []*zipfCache
}

type zipfCache struct {
	n uint64
	s float64
	z *zipf.Zipf
}

// NewVars returns a drawer for sc's variables, seeded.
func NewVars(sc *Script, seed uint64) *Vars {
	return &Vars{sc: sc, r: rand.New(rand.NewPCG(seed, 0x5c41f7)), Values: make([]int64, len(sc.Sets)),
		args: make([]float64, 3), zipf: make([]*zipfCache, len(sc.Sets))}
}

// Draw draws every variable once, in file order. A bound or parameter
// taken from a variable that is out of range is an error.
func (v *Vars) Draw() error {
	for i, s := range v.sc.Sets {
		a := v.args[:len(s.Args)]
		for j := range s.Args {
			if s.Refs[j] >= 0 {
				a[j] = float64(v.Values[s.Refs[j]])
			} else {
				a[j] = s.Args[j]
			}
		}
		if s.Fn == FnConst {
			v.Values[i] = int64(a[0])
			continue
		}
		lb, ub := int64(a[0]), int64(a[1])
		if lb > ub {
			return fmt.Errorf("\\set %s: the lower bound %d is above the upper bound %d", s.Name, lb, ub)
		}
		if len(a) == 3 {
			if err := checkParam(s.Fn, a[2]); err != nil {
				return fmt.Errorf("\\set %s: %v", s.Name, err)
			}
		}
		v.Values[i] = v.draw(i, s.Fn, lb, ub, a)
	}
	return nil
}

func (v *Vars) draw(i int, fn string, lb, ub int64, a []float64) int64 {
	span := float64(ub-lb) + 1
	switch fn {
	case FnUniform:
		n := uint64(ub-lb) + 1
		if n == 0 { // the whole int64 range
			return int64(v.r.Uint64())
		}
		return lb + int64(v.r.Uint64N(n))
	case FnZipfian:
		n := uint64(ub-lb) + 1
		c := v.zipf[i]
		if c == nil || c.n != n || c.s != a[2] {
			c = &zipfCache{n: n, s: a[2], z: zipf.New(v.r, a[2], n)}
			v.zipf[i] = c
		}
		return lb - 1 + int64(c.z.Next())
	case FnGaussian: // pgbench's getGaussianRand: Box-Muller, cut at ±p
		p := a[2]
		var stdev float64
		for {
			r1, r2 := 1-v.r.Float64(), 1-v.r.Float64()
			stdev = math.Sqrt(-2*math.Log(r1)) * math.Sin(2*math.Pi*r2)
			if stdev >= -p && stdev < p {
				break
			}
		}
		return lb + int64(span*(stdev+p)/(2*p))
	default: // FnExponential, pgbench's getExponentialRand
		p := a[2]
		cut := math.Exp(-p)
		u := 1 - v.r.Float64()
		x := -math.Log(cut+(1-cut)*u) / p
		return min(lb+int64(span*x), ub)
	}
}
