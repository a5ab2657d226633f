package resources

import "sync"

// record is one slot of a shard's slab: 16 bytes, no pointers, so a million
// records cost the garbage collector nothing to scan.
type record struct {
	created int64  // nanoseconds since the tracker's base time
	label   uint32 // index into the shard's labels; reportedBit marks a reported leak
	gen     uint32 // odd while the slot holds a resource, even while free
}

// reportedBit is set on a record's label once DetectLeaks has reported it,
// so its release is remembered as a resolved leak.
const reportedBit = 1 << 31

func (r *record) live() bool       { return r.gen&1 == 1 }
func (r *record) labelIdx() uint32 { return r.label &^ reportedBit }
func (r *record) reported() bool   { return r.label&reportedBit != 0 }

// An id is gen<<32 | slot<<shardBits | shard. The generation makes a stale
// id (released, slot reused) miss, and being odd it makes every id nonzero.
const slotBits = 32 - shardBits

func makeID(gen uint32, slot uint32, shard uint32) uint64 {
	return uint64(gen)<<32 | uint64(slot)<<shardBits | uint64(shard)
}

func splitID(id uint64) (gen, slot, shard uint32) {
	return uint32(id >> 32), uint32(id>>shardBits) & (1<<slotBits - 1), uint32(id & shardMask)
}

// kindCounters are one shard's share of a kind's figures, exact.
type kindCounters struct {
	created  uint64
	released uint64
	active   int64
	pending  int64         // change of active not yet added to kindState.est
	hist     *lifetimeHist // allocated on the first release
}

// change applies +1 or -1 to active and returns the pending change to pass
// on to the kind's shared estimate (0 while it stays within a batch).
func (kc *kindCounters) change(ks *kindState, d int64) int64 {
	kc.active += d
	kc.pending += d
	if p := kc.pending; p >= ks.batch() || -p >= ks.batch() {
		kc.pending = 0
		return p
	}
	return 0
}

// shard is one stripe of the tracker: a slab of records with a free list,
// so Register and Release are a slice index away from their record — no
// hashing, no per-resource allocation.
type shard struct {
	mu      sync.Mutex
	recs    []record
	free    []uint32    // free slots, reused last-in first-out
	stacks  [][]uintptr // by slot; only with Options.CaptureStacks
	labels  []*label    // shard-local label index → label
	byKey   map[labelKey]uint32
	lastKey labelKey // one-entry cache in front of byKey
	lastIdx uint32
	lastOK  bool
	kinds   []kindCounters // indexed by kindState.idx
	_       [64]byte       // keep neighbouring shards' locks on other cache lines
}

// place records a resource in this shard, or reports false when the shard
// is full (2^26 live resources). It returns the change to pass on to the
// kind's estimate once the lock is released.
func (s *shard) place(in *interner, si uint32, kind, owner string, now int64, pcs []uintptr) (id uint64, ks *kindState, pass int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	slot, ok := s.alloc()
	if !ok {
		return 0, nil, 0, false
	}
	li := s.localLabel(in, kind, owner)
	ks = s.labels[li].kind
	r := &s.recs[slot]
	r.gen++ // odd: live
	r.created, r.label = now, li
	if pcs != nil {
		s.stacks[slot] = pcs
	}
	kc := s.counters(ks.idx)
	kc.created++
	return makeID(r.gen, slot, si), ks, kc.change(ks, 1), true
}

// alloc returns a free slot, growing the slab when none is left. Called
// with s.mu held.
func (s *shard) alloc() (uint32, bool) {
	if n := len(s.free); n > 0 {
		slot := s.free[n-1]
		s.free = s.free[:n-1]
		return slot, true
	}
	if len(s.recs) >= 1<<slotBits {
		return 0, false
	}
	s.recs = append(s.recs, record{})
	if s.stacks != nil {
		s.stacks = append(s.stacks, nil)
	}
	return uint32(len(s.recs) - 1), true
}

// localLabel returns the shard-local index of (kind, owner), interning it
// through the tracker on first sight. Called with s.mu held.
func (s *shard) localLabel(in *interner, kind, owner string) uint32 {
	if s.lastOK && s.lastKey.kind == kind && s.lastKey.owner == owner {
		return s.lastIdx
	}
	key := labelKey{kind, owner}
	idx, ok := s.byKey[key]
	if !ok {
		idx = uint32(len(s.labels))
		s.labels = append(s.labels, in.label(kind, owner))
		s.byKey[key] = idx
	}
	s.lastKey, s.lastIdx, s.lastOK = key, idx, true
	return idx
}

// counters returns the shard's counters for kind k, growing the slice when
// a new kind appears. Called with s.mu held.
func (s *shard) counters(k int) *kindCounters {
	for len(s.kinds) <= k {
		s.kinds = append(s.kinds, kindCounters{})
	}
	return &s.kinds[k]
}
