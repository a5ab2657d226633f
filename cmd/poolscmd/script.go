package poolscmd

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/workload"
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
// by weight, with freshly drawn variables bound as parameters. It times
// each statement (pgbench -r) for Results.
type scriptRunner struct {
	pools.SQLRunner
	scripts []*script.Script
	weights []int
	mix     *script.Mix
	// sql and refs are each script's statements rendered in the driver's
	// placeholder style and, per placeholder, the variable bound.
	sql  [][]string
	refs [][][]int
	// measureFrom (Unix ns) is when the warm-up ends: runs that start
	// earlier are not in Results.
	measureFrom atomic.Int64

	seed  uint64
	seeds atomic.Uint64
	// free holds the idle drawing states; all holds every state made, for
	// Results. A state is made only when none is free, so there are at
	// most as many as operations ever ran at once.
	mu   sync.Mutex
	free []*scriptState
	all  []*scriptState
}

// scriptState is one operation's drawing state and its statement timings
// (one operation uses it at a time).
type scriptState struct {
	r     *rand.Rand
	vars  []*script.Vars
	stmts [][]pools.Stmt
	// hist[i][j] is the latency of script i's statement j; runs and
	// failed count script i's measured runs.
	hist         [][]*hdrhistogram.Histogram
	runs, failed []uint64
	cur          int  // the script running
	measure      bool // the run started after the warm-up
	done         func(j int, d time.Duration)
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
	s := &scriptRunner{SQLRunner: sr, scripts: scripts, weights: weights, mix: script.NewMix(weights), seed: seed,
		sql: make([][]string, len(scripts)), refs: make([][][]int, len(scripts))}
	for i, sc := range scripts {
		for _, st := range sc.Statements {
			q, refs := st.Render(style)
			s.sql[i] = append(s.sql[i], q)
			s.refs[i] = append(s.refs[i], refs)
		}
	}
	return s, nil
}

// Statement latencies: 1 µs to an hour, two significant digits (about
// 30 KB per statement and state).
const (
	stmtHistLowest  = int64(time.Microsecond)
	stmtHistHighest = int64(time.Hour)
	stmtHistDigits  = 2
)

func (s *scriptRunner) newState() *scriptState {
	n := s.seeds.Add(1)
	st := &scriptState{r: rand.New(rand.NewPCG(s.seed, n)), vars: make([]*script.Vars, len(s.scripts)),
		stmts: make([][]pools.Stmt, len(s.scripts)), hist: make([][]*hdrhistogram.Histogram, len(s.scripts)),
		runs: make([]uint64, len(s.scripts)), failed: make([]uint64, len(s.scripts))}
	for i, sc := range s.scripts {
		st.vars[i] = script.NewVars(sc, s.seed^n<<32^uint64(i))
		st.stmts[i] = make([]pools.Stmt, len(s.sql[i]))
		st.hist[i] = make([]*hdrhistogram.Histogram, len(s.sql[i]))
		for j, q := range s.sql[i] {
			st.stmts[i][j] = pools.Stmt{SQL: q, Args: make([]any, len(s.refs[i][j]))}
			st.hist[i][j] = hdrhistogram.New(stmtHistLowest, stmtHistHighest, stmtHistDigits)
		}
	}
	st.done = func(j int, d time.Duration) {
		if st.measure {
			_ = st.hist[st.cur][j].RecordValue(min(max(int64(d), stmtHistLowest), stmtHistHighest))
		}
	}
	return st
}

func (s *scriptRunner) get() *scriptState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.free); n > 0 {
		st := s.free[n-1]
		s.free = s.free[:n-1]
		return st
	}
	st := s.newState()
	s.all = append(s.all, st)
	return st
}

func (s *scriptRunner) put(st *scriptState) {
	s.mu.Lock()
	s.free = append(s.free, st)
	s.mu.Unlock()
}

// MeasureFrom leaves the runs that start before t out of Results.
func (s *scriptRunner) MeasureFrom(t time.Time) { s.measureFrom.Store(t.UnixNano()) }

// Do runs one script of the mix on one connection.
func (s *scriptRunner) Do(ctx context.Context) error {
	st := s.get()
	defer s.put(st)
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
	st.cur, st.measure = i, time.Now().UnixNano() >= s.measureFrom.Load()
	err := s.DoStatements(ctx, stmts, st.done)
	if st.measure {
		st.runs[i]++
		if err != nil {
			st.failed[i]++
		}
	}
	return err
}

// Results are each script's measured runs and statement latencies. Call
// it once no operation runs.
func (s *scriptRunner) Results() []workload.ScriptResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]workload.ScriptResult, len(s.scripts))
	for i, sc := range s.scripts {
		out[i] = workload.ScriptResult{Name: sc.Name, Weight: s.weights[i], Statements: make([]workload.StatementResult, len(sc.Statements))}
		for j, stmt := range sc.Statements {
			h := hdrhistogram.New(stmtHistLowest, stmtHistHighest, stmtHistDigits)
			for _, st := range s.all {
				h.Merge(st.hist[i][j])
			}
			r := workload.StatementResult{Line: stmt.Line, SQL: redact.Text(stmt.Text(sc)), Count: uint64(h.TotalCount())}
			if r.Count > 0 {
				r.MeanMs, r.P99Ms = h.Mean()/1e6, float64(h.ValueAtQuantile(99))/1e6
			}
			out[i].Statements[j] = r
		}
		for _, st := range s.all {
			out[i].Runs += st.runs[i]
			out[i].Failed += st.failed[i]
		}
	}
	return out
}
