package cache

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// node is one entry. key never changes after the node is published in the
// table, so readers need no lock. A Set on an existing key whose estimated
// size is unchanged updates the node in place and stores expireAt
// atomically: a value of one machine word (an 8- or 4-byte number, a
// pointer, map or channel) is stored atomically in value itself; any other
// goes behind boxed (one small allocation). Otherwise the Set publishes a
// new node. prev and next belong
// to the LRU list and are guarded by the policy lock; stamp and meta are
// atomics shared by both sides.
type node[K comparable, V any] struct {
	key      K
	value    V                 // the value first stored
	boxed    atomic.Pointer[V] // the latest value, once updated in place
	expireAt atomic.Int64      // Unix nanoseconds
	prev     *node[K, V]
	next     *node[K, V]
	// stamp is the policy tick at which the node last moved to the front of
	// the list; readers use it to skip recording reads of recent nodes.
	stamp atomic.Uint32
	// meta holds the removed bit (set, under the shard lock, when the node
	// leaves the table) and the estimated size in bytes.
	meta atomic.Uint32
}

const (
	removedBit = 1 << 31
	sizeMask   = removedBit - 1
)

// How a node's value is read and replaced, chosen once per cache from V.
const (
	valueBoxed   uint8 = iota // inline until the first update, then boxed
	valueWord64               // 8 bytes, no pointers: atomic 64-bit load and store
	valueWord32               // 4 bytes, no pointers: atomic 32-bit load and store
	valuePointer              // one pointer word: atomic pointer load and store
)

// valueModeOf picks the value mode for V in a node[K, V].
func valueModeOf[K comparable, V any]() uint8 {
	t := reflect.TypeFor[V]()
	off := unsafe.Offsetof(node[K, V]{}.value)
	switch {
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.UnsafePointer ||
		t.Kind() == reflect.Map || t.Kind() == reflect.Chan:
		return valuePointer
	case hasPointers(t):
		return valueBoxed
	case t.Size() == 8 && off%8 == 0:
		return valueWord64
	case t.Size() == 4 && off%4 == 0:
		return valueWord32
	default:
		return valueBoxed
	}
}

// load returns the node's current value.
func (n *node[K, V]) load(mode uint8) V {
	p := unsafe.Pointer(&n.value)
	switch mode {
	case valueWord64:
		w := atomic.LoadUint64((*uint64)(p))
		return *(*V)(unsafe.Pointer(&w))
	case valueWord32:
		w := atomic.LoadUint32((*uint32)(p))
		return *(*V)(unsafe.Pointer(&w))
	case valuePointer:
		w := atomic.LoadPointer((*unsafe.Pointer)(p))
		return *(*V)(unsafe.Pointer(&w))
	}
	if b := n.boxed.Load(); b != nil {
		return *b
	}
	return n.value
}

// store replaces the value of a published node (under the shard lock).
func (n *node[K, V]) store(mode uint8, v V) {
	p := unsafe.Pointer(&n.value)
	switch mode {
	case valueWord64:
		atomic.StoreUint64((*uint64)(p), *(*uint64)(unsafe.Pointer(&v)))
	case valueWord32:
		atomic.StoreUint32((*uint32)(p), *(*uint32)(unsafe.Pointer(&v)))
	case valuePointer:
		atomic.StorePointer((*unsafe.Pointer)(p), *(*unsafe.Pointer)(unsafe.Pointer(&v)))
	default:
		box := new(V)
		*box = v
		n.boxed.Store(box)
	}
}

func (n *node[K, V]) size() int64     { return int64(n.meta.Load() & sizeMask) }
func (n *node[K, V]) removed() bool   { return n.meta.Load()&removedBit != 0 }
func (n *node[K, V]) markRemoved()    { n.meta.Or(removedBit) }
func (n *node[K, V]) linked() bool    { return n.next != nil }
func (n *node[K, V]) setSize(s int64) { n.meta.Store(uint32(min(max(s, 0), sizeMask))) }
