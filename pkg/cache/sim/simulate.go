package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Methods that produced a Result's LRU hit rates.
const (
	// MethodStack: exact LRU for every capacity from one pass (no TTL).
	MethodStack = "lru-stack-distance"
	// MethodReplay: the trace replayed through resync's cache at each
	// capacity, on a simulated clock (with a TTL).
	MethodReplay = "cache-replay"
)

// Config is one simulation.
type Config struct {
	Keys          []uint64      // the trace, or nil with Trace
	Trace         *Trace        // the trace already made dense (ReadAll); used when Keys is nil
	Capacities    []int         // item capacities to evaluate, each ≥ 1
	TTL           time.Duration // entry TTL; 0 means entries never expire
	Rate          float64       // requests per second; sets the simulated clock for TTL
	TargetHitRate float64       // 0–1
	Workers       int           // capacities evaluated at once; 0 means GOMAXPROCS
	// Policies to simulate besides LRU and the optimum, which are always
	// computed: any of PolicySIEVE, PolicyS3FIFO, PolicyARC (lru and opt are
	// accepted and ignored). Not with a TTL.
	Policies []string

	jobDone func() // tests: called after each capacity's optimum
}

// Point is the outcome at one capacity.
type Point struct {
	Capacity       int     `json:"capacity"`
	Hits           int64   `json:"hits"`
	Misses         int64   `json:"misses"`
	Sets           int64   `json:"sets"`
	Evictions      int64   `json:"evictions"`
	Expirations    int64   `json:"expirations"`
	HitRate        float64 `json:"hit_rate"`
	EvictionRate   float64 `json:"eviction_rate"`
	OptimalHitRate float64 `json:"optimal_hit_rate"` // Belady's MIN at this capacity
	// Policies: the other policies asked for (Config.Policies), in the
	// order of Policies; none by default.
	Policies []PolicyHitRate `json:"policies,omitempty"`
}

// Result is a hit-rate curve with the capacity that reaches the target.
type Result struct {
	Requests      int     `json:"requests"`
	DistinctKeys  int     `json:"distinct_keys"`
	MaxHitRate    float64 `json:"max_hit_rate"` // an unbounded cache without TTL: 1 − distinct/requests
	Method        string  `json:"method"`
	TargetHitRate float64 `json:"target_hit_rate"`
	// CapacityForTarget is the smallest capacity reaching the target, 0 when
	// none does. Without a TTL it is exact (from the whole curve); with one
	// it is the smallest of the evaluated capacities.
	CapacityForTarget int  `json:"capacity_for_target"`
	CapacityExact     bool `json:"capacity_exact"`
	// Partial: the run was cancelled and Points holds only the capacities
	// finished by then (possibly none).
	Partial bool    `json:"partial,omitempty"`
	Points  []Point `json:"points"`
}

// Run evaluates every capacity. Without a TTL the LRU hit rates are exact,
// from one stack-distance pass; with one, the trace is replayed through
// resync's cache per capacity. Belady's optimum is computed per capacity,
// and so is each of cfg.Policies (replayed over the dense ids).
// Capacities run in parallel on cfg.Workers goroutines.
//
// Cancelled, Run stops starting capacities, abandons those under way (every
// pass over the trace looks at ctx every 16 Ki requests, so Run returns
// within milliseconds even on traces of millions of requests) and returns
// the partial result (Partial set, the finished capacities only) together
// with ctx's error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Keys == nil && cfg.Trace != nil && cfg.TTL > 0 {
		cfg.Keys = cfg.Trace.Keys() // the replay through resync's cache takes keys
	}
	if len(cfg.Keys) == 0 && (cfg.Trace == nil || len(cfg.Trace.IDs) == 0) {
		return nil, ErrEmptyTrace
	}
	if len(cfg.Capacities) == 0 {
		return nil, errors.New("sim: no capacity to evaluate")
	}
	for _, c := range cfg.Capacities {
		if c < 1 {
			return nil, fmt.Errorf("sim: capacity %d must be at least 1", c)
		}
	}
	if cfg.TTL < 0 {
		return nil, fmt.Errorf("sim: TTL %v must not be negative", cfg.TTL)
	}
	extra := extraPolicies(cfg.Policies)
	for _, name := range extra {
		if !slices.Contains(Policies, name) {
			return nil, fmt.Errorf("sim: unknown policy %q", name)
		}
	}
	if len(extra) > 0 && cfg.TTL > 0 {
		return nil, fmt.Errorf("sim: policy %s is simulated without expiry: drop the TTL", extra[0])
	}
	if cfg.TTL > 0 && !(cfg.Rate > 0) {
		return nil, fmt.Errorf("sim: a TTL needs a request rate above 0, got %v", cfg.Rate)
	}
	caps := slices.Clone(cfg.Capacities)
	slices.Sort(caps)
	caps = slices.Compact(caps)

	// The passes over the whole trace check ctx every checkEvery requests,
	// so a cancel ends Run within milliseconds, not after the pass.
	var (
		ids      []int32
		distinct int
	)
	if cfg.Keys == nil {
		ids, distinct = cfg.Trace.IDs, cfg.Trace.Distinct
	} else {
		ids, distinct = densify(ctx, cfg.Keys)
	}
	var next []int32
	if ids != nil {
		next = nextUses(ctx, ids, distinct)
	}
	if next == nil {
		return &Result{Requests: max(len(cfg.Keys), len(ids)), TargetHitRate: cfg.TargetHitRate, Partial: true, Points: []Point{}}, ctx.Err()
	}
	n := len(ids)
	res := &Result{
		Requests: n, DistinctKeys: distinct, TargetHitRate: cfg.TargetHitRate,
		MaxHitRate: float64(n-distinct) / float64(n),
		Points:     make([]Point, len(caps)),
	}
	var ttlReqs int64
	if cfg.TTL > 0 {
		res.Method = MethodReplay
		step := max(time.Duration(float64(time.Second)/cfg.Rate), 1)
		ttlReqs = int64((cfg.TTL + step - 1) / step)
	} else {
		res.Method = MethodStack
	}

	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Each job writes only its own capacity's flags; read after wg.Wait.
	optDone, replayDone := make([]bool, len(caps)), make([]bool, len(caps))
	polDone := make([][]bool, len(caps))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		curve *LRUCurve
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
			cancel()
		}
		mu.Unlock()
	}
	jobs := make(chan func(), (2+len(extra))*len(caps)+1)
	if ttlReqs == 0 {
		jobs <- func() {
			if ctx.Err() == nil {
				curve = newLRUCurve(ctx, ids, distinct)
			}
		}
	}
	for i, c := range caps {
		res.Points[i].Capacity = c
		p := &res.Points[i]
		if len(extra) > 0 {
			p.Policies = make([]PolicyHitRate, len(extra))
			polDone[i] = make([]bool, len(extra))
		}
		for j, name := range extra {
			jobs <- func() {
				if ctx.Err() != nil {
					return
				}
				hits, ok := policyHits(ctx, name, ids, distinct, c)
				p.Policies[j] = PolicyHitRate{Policy: name, Hits: hits, HitRate: float64(hits) / float64(n)}
				polDone[i][j] = ok
			}
		}
		jobs <- func() {
			if ctx.Err() == nil {
				hits, ok := optimalHits(ctx, ids, next, distinct, c, ttlReqs)
				p.OptimalHitRate = float64(hits) / float64(n)
				optDone[i] = ok
			}
			if cfg.jobDone != nil {
				cfg.jobDone()
			}
		}
		if ttlReqs > 0 {
			jobs <- func() {
				if ctx.Err() != nil {
					return
				}
				got, err := ReplayCache(ctx, cfg.Keys, c, cfg.TTL, cfg.Rate)
				if err != nil {
					if parent.Err() == nil {
						fail(err)
					}
					return
				}
				p.Hits, p.Misses, p.Sets = got.Hits, got.Misses, got.Sets
				p.Evictions, p.Expirations = got.Evictions, got.Expirations
				replayDone[i] = true
			}
		}
	}
	close(jobs)
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				job()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	interrupted := parent.Err()
	if interrupted != nil {
		res.Partial = true
		kept := []Point{}
		for i, p := range res.Points {
			if optDone[i] && (replayDone[i] || curve != nil) && !slices.Contains(polDone[i], false) {
				kept = append(kept, p)
			}
		}
		res.Points = kept
	}

	if curve != nil {
		for i := range res.Points {
			p := &res.Points[i]
			p.Hits = curve.Hits(p.Capacity)
			p.Misses = int64(n) - p.Hits
			p.Sets = p.Misses // every miss stores the key
			// The cache fills without evicting until it holds
			// min(capacity, distinct) keys; every later miss evicts one.
			p.Evictions = p.Misses - int64(min(p.Capacity, distinct))
		}
		res.CapacityForTarget = curve.MinCapacity(cfg.TargetHitRate)
		res.CapacityExact = true
	}
	for i := range res.Points {
		p := &res.Points[i]
		p.HitRate = float64(p.Hits) / float64(n)
		if p.Sets > 0 {
			p.EvictionRate = float64(p.Evictions) / float64(p.Sets)
		}
		if curve == nil && res.CapacityForTarget == 0 && p.HitRate >= cfg.TargetHitRate {
			res.CapacityForTarget = p.Capacity
		}
	}
	return res, interrupted
}

// SweepCapacities returns up to n capacities spaced evenly on a log scale
// from about distinct/1000 (at least 1) up to distinct keys.
func SweepCapacities(distinct, n int) []int {
	if distinct < 1 || n < 1 {
		return nil
	}
	lo := max(1, float64(distinct)/1000)
	hi := float64(distinct)
	out := make([]int, 0, n)
	for i := range n {
		f := 1.0
		if n > 1 {
			f = float64(i) / float64(n-1)
		}
		c := int(math.Round(lo * math.Pow(hi/lo, f)))
		if len(out) == 0 || c > out[len(out)-1] {
			out = append(out, c)
		}
	}
	return out
}
