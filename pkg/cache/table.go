package cache

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// The hash table is split into shards, each a bucketed table with its own
// write lock. Readers take no lock: buckets hold atomic pointers to
// immutable nodes plus one word of 8-bit tags, so a lookup is a few atomic
// loads. Writers hold the shard lock; a grown table is built aside and
// published with one atomic store, so readers always see a whole table.

const (
	slotsPerBucket = 6 // a bucket is one 64-byte cache line
	// growLoad is the average entries per bucket above which a shard's table
	// doubles: after growing it holds 2–4 entries per bucket.
	growLoad      = 4
	initBuckets   = 8
	lowBits       = 0x0101010101010101
	highBits      = 0x8080808080808080
	slotTagsMask  = 1<<(8*slotsPerBucket) - 1
	slotHighBits  = highBits & slotTagsMask
	tableBytesPer = 64 // bytes of one bucket
)

type bucket[K comparable, V any] struct {
	tags  atomic.Uint64 // byte i: tag of slot i, 0 when empty
	slots [slotsPerBucket]atomic.Pointer[node[K, V]]
	next  atomic.Pointer[bucket[K, V]] // overflow chain
}

type table[K comparable, V any] struct {
	buckets []bucket[K, V]
	mask    uint64
}

func newTable[K comparable, V any](n int) *table[K, V] {
	return &table[K, V]{buckets: make([]bucket[K, V], n), mask: uint64(n - 1)}
}

// tagOf is a non-zero byte from the hash's top bits (the bucket index uses
// the low bits and the shard the middle ones).
func tagOf(h uint64) uint64 { return h>>57 | 0x80 }

// matchTag returns a mask with the high bit set in each byte of tags that
// may equal tag (false positives are possible; callers compare keys).
func matchTag(tags, tag uint64) uint64 {
	x := tags ^ (lowBits * tag)
	return (x - lowBits) &^ x & slotHighBits
}

// emptySlots returns the high bit of each empty slot's byte; tags always
// have the high bit set, so this is exact.
func emptySlots(tags uint64) uint64 { return ^tags & slotHighBits }

func slotOf(mask uint64) int { return bits.TrailingZeros64(mask) >> 3 }

// shard is one lock's part of the table plus its write-side counters.
type shard[K comparable, V any] struct {
	mu    sync.Mutex
	tab   atomic.Pointer[table[K, V]]
	count atomic.Int64 // entries in the table
	bytes atomic.Int64 // their estimated size
	// counters, written under mu
	sets, updates, deletes atomic.Uint64
	// overflow buckets, written under mu (for the memory estimate)
	overflow atomic.Int64

	loadMu sync.Mutex
	loads  map[K]*call[V] // GetOrLoad calls in flight
	nloads atomic.Int32   // len(loads), for Set and Delete to skip loadMu when 0

	_ [64]byte // keep neighbouring shards' locks on separate cache lines
}

func (s *shard[K, V]) init() {
	s.tab.Store(newTable[K, V](initBuckets))
}

// find returns the key's node, or nil. Lock-free.
func (s *shard[K, V]) find(h uint64, key K) *node[K, V] {
	t := s.tab.Load()
	tag := tagOf(h)
	for b := &t.buckets[h&t.mask]; b != nil; b = b.next.Load() {
		for m := matchTag(b.tags.Load(), tag); m != 0; m &= m - 1 {
			if n := b.slots[slotOf(m)].Load(); n != nil && n.key == key {
				return n
			}
		}
	}
	return nil
}

// put stores n under its key and returns the node it replaced, or nil.
// The caller holds mu and maintains count and bytes.
func (s *shard[K, V]) put(h uint64, n *node[K, V]) (old *node[K, V]) {
	t := s.tab.Load()
	tag := tagOf(h)
	var free *bucket[K, V]
	freeSlot := 0
	var last *bucket[K, V]
	for b := &t.buckets[h&t.mask]; b != nil; b = b.next.Load() {
		tags := b.tags.Load()
		for m := matchTag(tags, tag); m != 0; m &= m - 1 {
			i := slotOf(m)
			if o := b.slots[i].Load(); o != nil && o.key == n.key {
				b.slots[i].Store(n)
				return o
			}
		}
		if free == nil {
			if e := emptySlots(tags); e != 0 {
				free, freeSlot = b, slotOf(e)
			}
		}
		last = b
	}
	if free == nil {
		free = &bucket[K, V]{}
		last.next.Store(free)
		s.overflow.Add(1)
	}
	// Slot first, then tag: a reader that sees the tag finds the node.
	free.slots[freeSlot].Store(n)
	free.tags.Store(free.tags.Load() | tag<<(8*freeSlot))
	return nil
}

// insertFresh adds n to t, which no reader sees yet and has no copy of n's key.
func insertFresh[K comparable, V any](t *table[K, V], h uint64, n *node[K, V]) (overflow int64) {
	tag := tagOf(h)
	b := &t.buckets[h&t.mask]
	for {
		tags := b.tags.Load()
		if e := emptySlots(tags); e != 0 {
			i := slotOf(e)
			b.slots[i].Store(n)
			b.tags.Store(tags | tag<<(8*i))
			return overflow
		}
		next := b.next.Load()
		if next == nil {
			next = &bucket[K, V]{}
			b.next.Store(next)
			overflow++
		}
		b = next
	}
}

// remove deletes n from the table if it is still the key's node. The
// caller holds mu and maintains count and bytes.
func (s *shard[K, V]) remove(h uint64, n *node[K, V]) bool {
	t := s.tab.Load()
	tag := tagOf(h)
	for b := &t.buckets[h&t.mask]; b != nil; b = b.next.Load() {
		tags := b.tags.Load()
		for m := matchTag(tags, tag); m != 0; m &= m - 1 {
			i := slotOf(m)
			if b.slots[i].Load() == n {
				// Tag first, then slot: a reader that loads the slot after
				// this finds nil and moves on.
				b.tags.Store(tags &^ (0xff << (8 * i)))
				b.slots[i].Store(nil)
				return true
			}
		}
	}
	return false
}

// grow doubles the table when it holds more than growLoad entries per
// bucket. The caller holds mu.
func (s *shard[K, V]) grow(hash func(K) uint64) {
	t := s.tab.Load()
	if s.count.Load() <= int64(len(t.buckets))*growLoad {
		return
	}
	nt := newTable[K, V](len(t.buckets) * 2)
	var overflow int64
	s.each(func(n *node[K, V]) bool {
		overflow += insertFresh(nt, hash(n.key), n)
		return true
	})
	s.overflow.Store(overflow)
	s.tab.Store(nt)
}

// reset replaces the table with an empty one. The caller holds mu.
func (s *shard[K, V]) reset() {
	s.tab.Store(newTable[K, V](initBuckets))
	s.overflow.Store(0)
	s.count.Store(0)
	s.bytes.Store(0)
}

// each calls fn for every node in the table until fn returns false.
// The caller holds mu.
func (s *shard[K, V]) each(fn func(*node[K, V]) bool) {
	t := s.tab.Load()
	for i := range t.buckets {
		for b := &t.buckets[i]; b != nil; b = b.next.Load() {
			for j := range b.slots {
				if n := b.slots[j].Load(); n != nil && !fn(n) {
					return
				}
			}
		}
	}
}

// removeIf deletes every node for which fn returns true and returns them.
// The caller holds mu and maintains count and bytes.
func (s *shard[K, V]) removeIf(fn func(*node[K, V]) bool) []*node[K, V] {
	var out []*node[K, V]
	t := s.tab.Load()
	for i := range t.buckets {
		for b := &t.buckets[i]; b != nil; b = b.next.Load() {
			for j := range b.slots {
				if n := b.slots[j].Load(); n != nil && fn(n) {
					b.tags.Store(b.tags.Load() &^ (0xff << (8 * j)))
					b.slots[j].Store(nil)
					out = append(out, n)
				}
			}
		}
	}
	return out
}
