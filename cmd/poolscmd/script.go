package poolscmd

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/workload/script"
)

// loadScripts reads and parses every --script FILE[@WEIGHT], before any
// connection opens. A problem is a usage error naming file:line and the fix.
func loadScripts(specs []string) ([]*script.Script, []int, error) {
	var scripts []*script.Script
	var weights []int
	for _, s := range specs {
		spec, err := script.ParseSpec(s)
		if err != nil {
			return nil, nil, cmdutil.Usagef("%v", err)
		}
		src, err := os.ReadFile(spec.Path)
		if err != nil {
			return nil, nil, cmdutil.Usagef("--script %s: %v: give a readable file", spec.Path, errors.Unwrap(err))
		}
		sc, err := script.Parse(spec.Path, string(src))
		if err != nil {
			return nil, nil, cmdutil.Usagef("--script %v", err)
		}
		scripts, weights = append(scripts, sc), append(weights, spec.Weight)
	}
	return scripts, weights, nil
}

// scriptRunner is a SQL pool whose Do runs one script of the mix, picked
// by weight, with freshly drawn variables bound as parameters.
type scriptRunner struct {
	pools.SQLRunner
	scripts []*script.Script
	mix     *script.Mix
	// sql and refs are each script's statements rendered in the driver's
	// placeholder style and, per placeholder, the variable bound.
	sql  [][]string
	refs [][][]int
	// Runs counts the runs of each script.
	Runs []atomic.Uint64

	seed  uint64
	seeds atomic.Uint64
	state sync.Pool // *scriptState
}

// scriptState is one worker's drawing state (the pool hands one to each
// operation at a time).
type scriptState struct {
	r     *rand.Rand
	vars  []*script.Vars
	stmts [][]pools.Stmt
}

// bindScripts makes r run the scripts; a non-SQL runner is a usage error.
func bindScripts(r pools.Runner, scripts []*script.Script, weights []int, seed uint64) (*scriptRunner, error) {
	sr, ok := r.(pools.SQLRunner)
	if !ok || sr.Placeholder() == "" {
		return nil, cmdutil.Usagef("--script runs SQL, but %s is a %s target: give --script only with --db targets", r.Name(), r.Kind())
	}
	style := script.Question
	if sr.Placeholder() == pools.PlaceholderDollar {
		style = script.Dollar
	}
	s := &scriptRunner{SQLRunner: sr, scripts: scripts, mix: script.NewMix(weights), seed: seed,
		sql: make([][]string, len(scripts)), refs: make([][][]int, len(scripts)), Runs: make([]atomic.Uint64, len(scripts))}
	for i, sc := range scripts {
		for _, st := range sc.Statements {
			q, refs := st.Render(style)
			s.sql[i] = append(s.sql[i], q)
			s.refs[i] = append(s.refs[i], refs)
		}
	}
	s.state.New = func() any { return s.newState() }
	return s, nil
}

func (s *scriptRunner) newState() *scriptState {
	n := s.seeds.Add(1)
	st := &scriptState{r: rand.New(rand.NewPCG(s.seed, n)), vars: make([]*script.Vars, len(s.scripts)),
		stmts: make([][]pools.Stmt, len(s.scripts))}
	for i, sc := range s.scripts {
		st.vars[i] = script.NewVars(sc, s.seed^n<<32^uint64(i))
		st.stmts[i] = make([]pools.Stmt, len(s.sql[i]))
		for j, q := range s.sql[i] {
			st.stmts[i][j] = pools.Stmt{SQL: q, Args: make([]any, len(s.refs[i][j]))}
		}
	}
	return st
}

// Do runs one script of the mix on one connection.
func (s *scriptRunner) Do(ctx context.Context) error {
	st := s.state.Get().(*scriptState)
	defer s.state.Put(st)
	i := s.mix.Pick(st.r)
	v := st.vars[i]
	if err := v.Draw(); err != nil {
		return fmt.Errorf("script %s: %w", s.scripts[i].Name, err)
	}
	stmts := st.stmts[i]
	for j := range stmts {
		for k, ref := range s.refs[i][j] {
			stmts[j].Args[k] = v.Values[ref]
		}
	}
	s.Runs[i].Add(1)
	return s.DoStatements(ctx, stmts, nil)
}
