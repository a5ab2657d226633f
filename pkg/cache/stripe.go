package cache

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// A stripe is the per-goroutine-group state of the hot paths: the read
// counters, a lossy ring of reads to replay into the LRU list, and a ring
// of written nodes waiting for the policy. Goroutines pick a stripe by a
// hash of their stack address, so concurrent goroutines mostly write to
// different cache lines.

const (
	readRingSize  = 16 // reads recorded before a drain is attempted
	writeRingSize = 64 // writes queued while another goroutine drains
	// latencySampleMask: one Get in 64 measures its own latency.
	latencySampleMask = 63
)

type stripe[K comparable, V any] struct {
	// written by readers of this stripe
	gets, misses atomic.Uint64 // hits are gets − misses
	getNs        atomic.Uint64 // summed latency of sampled Gets
	getSamples   atomic.Uint64
	readTail     atomic.Uint64
	readHead     atomic.Uint64 // advanced by the drainer
	_            [16]byte
	reads        [readRingSize]atomic.Pointer[node[K, V]]

	writeTail atomic.Uint64
	writeHead atomic.Uint64
	_         [48]byte
	writes    [writeRingSize]atomic.Pointer[node[K, V]]
}

// stripeCount is 4 stripes per P, a power of two between 4 and 64.
func stripeCount() int {
	n := 4
	for n < 4*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	return n
}

// stackHash identifies the calling goroutine cheaply: stacks of goroutines
// running at the same time do not overlap, and the low 11 bits depend on
// the call depth, not the goroutine.
//
//go:nosplit
func stackHash() uint64 {
	var x byte
	return mix64(uint64(uintptr(unsafe.Pointer(&x))) >> 11)
}

// recordRead adds n to the read ring. full means the ring is full and the
// caller should try to drain; a read that finds it full is dropped, which
// only makes the LRU order slightly less exact under contention.
func (s *stripe[K, V]) recordRead(n *node[K, V]) (stored, full bool) {
	head := s.readHead.Load()
	tail := s.readTail.Load()
	if tail-head >= readRingSize {
		return false, true
	}
	if !s.readTail.CompareAndSwap(tail, tail+1) {
		return false, false // another reader of this stripe won; dropping is fine
	}
	s.reads[tail%readRingSize].Store(n)
	return true, tail+1-head >= readRingSize
}

// dirtyMask marks stripes with recorded reads or queued writes, so a
// drain visits only those (one bit per stripe; at most 64 stripes).
type dirtyMask struct {
	bits atomic.Uint64
}

// mark sets bit i; it writes only when the bit is clear, so the line stays
// shared while the stripe is already marked.
func (d *dirtyMask) mark(i uint64) {
	if d.bits.Load()&(1<<i) == 0 {
		d.bits.Or(1 << i)
	}
}

// take clears and returns the marked stripes. A producer that stores after
// take found its bit clear sets it again, so nothing is missed.
func (d *dirtyMask) take() uint64 {
	if d.bits.Load() == 0 {
		return 0
	}
	return d.bits.Swap(0)
}

// drainReads passes the recorded reads to fn. Called under the policy lock.
func (s *stripe[K, V]) drainReads(fn func(*node[K, V])) {
	head := s.readHead.Load()
	tail := s.readTail.Load()
	for ; head != tail; head++ {
		slot := &s.reads[head%readRingSize]
		n := slot.Load()
		if n == nil {
			break // reserved but not stored yet; picked up next time
		}
		slot.Store(nil)
		fn(n)
	}
	s.readHead.Store(head)
}

// pushWrite queues n for the policy; false when the ring is full.
func (s *stripe[K, V]) pushWrite(n *node[K, V]) bool {
	for {
		head := s.writeHead.Load()
		tail := s.writeTail.Load()
		if tail-head >= writeRingSize {
			return false
		}
		if s.writeTail.CompareAndSwap(tail, tail+1) {
			s.writes[tail%writeRingSize].Store(n)
			return true
		}
	}
}

// drainWrites passes the queued writes to fn. Called under the policy lock.
func (s *stripe[K, V]) drainWrites(fn func(*node[K, V])) {
	head := s.writeHead.Load()
	tail := s.writeTail.Load()
	for ; head != tail; head++ {
		slot := &s.writes[head%writeRingSize]
		n := slot.Load()
		if n == nil {
			break // its writer schedules another drain after storing it
		}
		slot.Store(nil)
		fn(n)
	}
	s.writeHead.Store(head)
}
