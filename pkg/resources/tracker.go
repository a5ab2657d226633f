package resources

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe" // go:linkname
)

// Defaults for Options fields left at zero.
const (
	// DefaultStackDepth is how many frames a captured stack keeps.
	DefaultStackDepth = 16
	// DefaultMaxResolved is how many resolved leaks are kept until the next
	// DetectLeaks reports them; older ones are dropped first.
	DefaultMaxResolved = 1000
)

const (
	shardBits = 6
	numShards = 1 << shardBits
	shardMask = numShards - 1
)

// Options configure a Tracker. The zero value is a tracker without a limit
// and without stacks.
type Options struct {
	// MaxResources caps the active resources; Register beyond it returns a
	// *LimitError (errors.Is(err, ErrLimit)). 0 means no limit.
	MaxResources int
	// CaptureStacks records the registering caller's stack (a few program
	// counters, symbolised only when a leak is reported). It costs about a
	// microsecond and one small allocation per Register.
	CaptureStacks bool
	// StackDepth is the number of frames kept; 0 means DefaultStackDepth.
	StackDepth int
	// MaxResolved bounds the resolved leaks kept between two DetectLeaks
	// calls; 0 means DefaultMaxResolved.
	MaxResolved int
	// Clock returns the current time; nil means time.Now. Tests inject a
	// fake clock to make lifetimes exact.
	Clock func() time.Time
}

// Tracker records resources from Register to Release. All methods are safe
// for concurrent use. Register picks one of 64 shards at random and the id
// names the shard and slot, so parallel callers rarely meet on a lock and
// Release goes straight to its record.
//
// A record takes 16 bytes in a slab; freed slots are reused, and a slab
// keeps its size after a spike (about 20 bytes per resource at the peak).
// Owners should be low-cardinality labels (a pool, a component), not
// request ids: each distinct (kind, owner) pair is kept for the tracker's
// life.
type Tracker struct {
	shards     [numShards]shard
	bands      uint32 // GOMAXPROCS when made, at most numShards
	band       uint32 // shards per band
	in         interner
	max        int64
	total      atomic.Int64 // active resources; maintained only when max > 0
	stacks     bool
	stackDepth int
	clock      func() time.Time
	fake       bool // Options.Clock was given
	base       time.Time

	resolvedMu  sync.Mutex
	resolved    []Leak // released after being reported, oldest first
	maxResolved int
}

// New returns a Tracker.
func New(o Options) *Tracker {
	t := &Tracker{
		max:         int64(o.MaxResources),
		stacks:      o.CaptureStacks,
		stackDepth:  o.StackDepth,
		clock:       o.Clock,
		maxResolved: o.MaxResolved,
	}
	if t.stackDepth <= 0 {
		t.stackDepth = DefaultStackDepth
	}
	if t.maxResolved <= 0 {
		t.maxResolved = DefaultMaxResolved
	}
	if t.clock == nil {
		t.clock = time.Now
	} else {
		t.fake = true
	}
	t.base = t.clock()
	t.bands = uint32(min(max(runtime.GOMAXPROCS(0), 1), numShards))
	t.band = numShards / t.bands
	t.in.kinds = map[string]*kindState{}
	t.in.labels = map[labelKey]*label{}
	for i := range t.shards {
		s := &t.shards[i]
		s.byKey = map[labelKey]uint32{}
		if t.stacks {
			s.stacks = [][]uintptr{}
		}
	}
	return t
}

// nanos is the time since the tracker's base. With the default clock it
// reads only the monotonic clock (time.Since), which is both immune to
// wall-clock jumps and about half the cost of time.Now.
func (t *Tracker) nanos() int64 {
	if t.fake {
		return int64(t.clock().Sub(t.base))
	}
	return int64(time.Since(t.base))
}

// at converts tracker nanoseconds back to a time.
func (t *Tracker) at(n int64) time.Time { return t.base.Add(time.Duration(n)) }

// Register records a new resource of kind (e.g. "postgres", "file") held by
// owner (a low-cardinality label such as a pool or component name) and
// returns its id, never 0. With Options.MaxResources set and reached it
// returns a *LimitError.
func (t *Tracker) Register(kind, owner string) (uint64, error) {
	return t.register(kind, owner, 1)
}

// RegisterSkip is Register for wrappers: skip extra frames are left out of
// the captured stack, so the stack starts at the wrapper's caller.
func (t *Tracker) RegisterSkip(kind, owner string, skip int) (uint64, error) {
	return t.register(kind, owner, 1+skip)
}

func (t *Tracker) register(kind, owner string, skip int) (uint64, error) {
	if t.max > 0 {
		if n := t.total.Add(1); n > t.max {
			t.total.Add(-1)
			return 0, &LimitError{Kind: kind, Owner: owner, Active: int(n - 1), Max: int(t.max)}
		}
	}
	var pcs []uintptr
	if t.stacks {
		pcs = captureStack(skip+1, t.stackDepth) // +1: register itself
	}
	now := t.nanos()
	start := t.startShard()
	for i := range uint32(numShards) { // the first shard almost always has room
		si := (start + i) & shardMask
		if id, ks, pass, ok := t.shards[si].place(&t.in, si, kind, owner, now, pcs); ok {
			if pass != 0 {
				ks.add(pass)
			}
			return id, nil
		}
	}
	if t.max > 0 {
		t.total.Add(-1)
	}
	return 0, &LimitError{Kind: kind, Owner: owner, Active: t.Active(), Max: numShards << slotBits}
}

// Release marks resource id released. Releasing an unknown id, or one
// already released, does nothing, so Release is safe in deferred cleanup
// that may run twice.
func (t *Tracker) Release(id uint64) {
	now := t.nanos()
	gen, slot, si := splitID(id)
	s := &t.shards[si]
	s.mu.Lock()
	if int(slot) >= len(s.recs) || s.recs[slot].gen != gen || gen&1 == 0 {
		s.mu.Unlock()
		return
	}
	r := &s.recs[slot]
	r.gen++ // even: free
	created, reported := r.created, r.reported()
	l := s.labels[r.labelIdx()]
	s.free = append(s.free, slot)
	var pcs []uintptr
	if s.stacks != nil {
		pcs = s.stacks[slot]
		s.stacks[slot] = nil
	}
	kc := s.counters(l.kind.idx)
	kc.released++
	pass := kc.change(l.kind, -1)
	if kc.hist == nil {
		kc.hist = new(lifetimeHist)
	}
	kc.hist.record(now - created)
	s.mu.Unlock()

	if pass != 0 {
		l.kind.add(pass)
	}
	if t.max > 0 {
		t.total.Add(-1)
	}
	if reported {
		t.resolve(id, l, created, now, pcs)
	}
}

// Active returns the number of resources registered and not yet released,
// counted exactly across the shards.
func (t *Tracker) Active() int {
	var n int64
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for k := range s.kinds {
			n += s.kinds[k].active
		}
		s.mu.Unlock()
	}
	return int(n)
}

//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()

// startShard picks where Register looks first: a random shard within the
// band of shards of the P the caller runs on, so that the goroutines of one
// P keep to shards whose lines stay in that core's cache (and mostly do not
// take each other's locks), while the choice within the band spreads them.
func (t *Tracker) startShard() uint32 {
	pid := uint32(procPin())
	procUnpin()
	band := t.band
	return (pid%t.bands)*band + rand.Uint32()%band
}
