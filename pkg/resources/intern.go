package resources

import (
	"sync"
	"sync/atomic"
)

// kindState is what the tracker keeps per kind outside the shards: a
// shared estimate of the active count, fed in batches by the shards, and
// the peak seen. Each sits on its own cache line.
//
// Why batches: an exact shared counter is one cache line written by every
// core on every Register and Release, and bouncing it between cores costs
// more than the rest of the operation. Each shard therefore keeps exact
// counts under its own lock and passes on its change once it reaches
// batch(): 1 while at most batchExact resources are active (so small
// populations, such as pools, get an exact peak), then 1/16 of the active
// count spread over the shards, which bounds the peak's error to 6.25 %.
type kindState struct {
	name string
	idx  int
	_    [40]byte
	est  atomic.Int64 // active, minus what shards have not passed on yet
	_    [56]byte
	peak atomic.Int64
	_    [56]byte
}

// batchExact is the active count up to which every change is passed on at
// once: numShards × 16.
const batchExact = numShards * 16

// batch is how large a shard's pending change may grow before it is added
// to est.
func (k *kindState) batch() int64 {
	return max(1, k.est.Load()/batchExact)
}

// add passes a shard's pending change on and raises the peak.
func (k *kindState) add(delta int64) {
	n := k.est.Add(delta)
	k.raise(n)
}

// raise records n as the peak if it is higher.
func (k *kindState) raise(n int64) {
	for {
		p := k.peak.Load()
		if n <= p || k.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

// label is one interned (kind, owner) pair. Records hold a 32-bit index to
// it instead of two strings, which keeps a record at 16 bytes and makes
// Register allocation-free once the pair has been seen.
type label struct {
	kind  *kindState
	owner string
}

type labelKey struct{ kind, owner string }

// interner owns the tracker-wide tables of kinds and labels. It is touched
// only the first time a shard sees a pair.
type interner struct {
	mu     sync.Mutex
	kinds  map[string]*kindState
	order  atomic.Pointer[[]*kindState] // copy-on-write, read without the lock
	labels map[labelKey]*label
}

func (in *interner) label(kind, owner string) *label {
	in.mu.Lock()
	defer in.mu.Unlock()
	key := labelKey{kind, owner}
	if l, ok := in.labels[key]; ok {
		return l
	}
	ks, ok := in.kinds[kind]
	if !ok {
		old := in.kindList()
		ks = &kindState{name: kind, idx: len(old)}
		in.kinds[kind] = ks
		next := append(old[:len(old):len(old)], ks)
		in.order.Store(&next)
	}
	l := &label{kind: ks, owner: owner}
	in.labels[key] = l
	return l
}

// kindList returns the kinds seen so far, in first-seen order. The slice
// is shared: callers must not modify it.
func (in *interner) kindList() []*kindState {
	if p := in.order.Load(); p != nil {
		return *p
	}
	return nil
}
