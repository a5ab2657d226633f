package cache

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Memory estimate of one entry:
//
//	roundup(node) + TableShare + sizeof(key data) + sizeof(value data)
//
// where node is the key and value headers plus nodeBookkeeping (32) bytes,
// rounded up to Go's allocation size class, and TableShare is the entry's
// part of the hash table. The data behind the headers is exact for strings
// and byte slices (rounded up to the size class the allocator really uses);
// for other types with pointers it is measured by walking the value with
// reflection on a sample of the Sets (the first sampleFirst, then one in
// sampleEvery) and the running mean is used for the rest. Types without
// pointers have no data beyond the node. Options.Sizer replaces the data
// part.
const (
	// TableShare is the bytes of hash table counted per entry: a 64-byte
	// bucket holds 2 to 4 entries on average.
	TableShare  = 24
	sampleFirst = 16
	sampleEvery = 64
)

type sizeKind uint8

const (
	sizeFlat   sizeKind = iota // no data behind the header
	sizeString                 // string: its bytes
	sizeBytes                  // []byte: its capacity
	sizeSample                 // anything else: sampled reflection walk
)

func kindOf(t reflect.Type) sizeKind {
	switch {
	case t.Kind() == reflect.String:
		return sizeString
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return sizeBytes
	case !hasPointers(t):
		return sizeFlat
	default:
		return sizeSample
	}
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.String, reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	default:
		return false
	}
}

// sizer estimates entry sizes for one cache.
type sizer[K comparable, V any] struct {
	overhead int64
	flat     bool // no Sizer and nothing behind key or value: size is overhead
	custom   func(K, V) int64
	keyKind  sizeKind
	valKind  sizeKind
	keySamp  sampler
	valSamp  sampler
}

func (s *sizer[K, V]) init(custom func(K, V) int64) {
	s.overhead = EntryOverhead[K, V]()
	s.custom = custom
	s.keyKind = kindOf(reflect.TypeFor[K]())
	s.valKind = kindOf(reflect.TypeFor[V]())
	s.flat = custom == nil && s.keyKind == sizeFlat && s.valKind == sizeFlat
}

// EntryOverhead is the bytes the cache counts for an entry besides the data
// its key and value point to: the node (key and value headers plus 32 bytes
// of bookkeeping) rounded up to Go's size class, plus TableShare.
func EntryOverhead[K comparable, V any]() int64 {
	return roundUpSize(int64(unsafe.Sizeof(node[K, V]{}))) + TableShare
}

func (s *sizer[K, V]) size(key K, value V) int64 {
	if s.flat {
		return s.overhead
	}
	if s.custom != nil {
		return s.overhead + max(s.custom(key, value), 0)
	}
	return s.overhead + dataSize(s.keyKind, &s.keySamp, key) + dataSize(s.valKind, &s.valSamp, value)
}

func dataSize[T any](kind sizeKind, samp *sampler, v T) int64 {
	switch kind {
	case sizeString:
		return allocSize(int64(len(*(*string)(unsafe.Pointer(&v)))))
	case sizeBytes:
		return allocSize(int64(cap(*(*[]byte)(unsafe.Pointer(&v)))))
	case sizeSample:
		if !samp.measureNext() {
			return samp.mean.Load()
		}
		return samp.record(deepSize(reflect.ValueOf(&v).Elem(), 0))
	default:
		return 0
	}
}

// sampler measures one call in sampleEvery (after the first sampleFirst)
// and returns the running mean for the others.
type sampler struct {
	calls atomic.Uint64
	mu    sync.Mutex
	sum   int64
	n     int64
	mean  atomic.Int64
}

// measureNext reports whether this call should measure.
func (s *sampler) measureNext() bool {
	c := s.calls.Add(1)
	return c <= sampleFirst || c%sampleEvery == 0
}

// record adds a measurement to the mean and returns it.
func (s *sampler) record(v int64) int64 {
	s.mu.Lock()
	s.sum += v
	s.n++
	s.mean.Store(s.sum / s.n)
	s.mu.Unlock()
	return v
}

// maxDepth bounds the reflection walk (cycles, deep graphs).
const maxDepth = 8

// deepSize is the heap memory reachable from v, excluding v's own inline
// bytes (those are in the node or in the parent allocation).
func deepSize(v reflect.Value, depth int) int64 {
	if depth > maxDepth || !v.IsValid() {
		return 0
	}
	switch v.Kind() {
	case reflect.String:
		return allocSize(int64(v.Len()))
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := allocSize(int64(v.Cap()) * int64(v.Type().Elem().Size()))
		if hasPointers(v.Type().Elem()) {
			for i := range v.Len() {
				n += deepSize(v.Index(i), depth+1)
			}
		}
		return n
	case reflect.Array:
		var n int64
		if hasPointers(v.Type().Elem()) {
			for i := range v.Len() {
				n += deepSize(v.Index(i), depth+1)
			}
		}
		return n
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += deepSize(v.Field(i), depth+1)
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return allocSize(int64(e.Type().Size())) + deepSize(e, depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		n := deepSize(e, depth+1)
		if e.Type().Size() > unsafe.Sizeof(uintptr(0)) || e.Kind() == reflect.String || e.Kind() == reflect.Slice || e.Kind() == reflect.Struct {
			n += allocSize(int64(e.Type().Size())) // boxed
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		kt, vt := v.Type().Key(), v.Type().Elem()
		// Swiss-table groups: 8 slots of key+value plus a control word, at
		// 7/8 load; plus the data behind keys and values.
		slot := int64(kt.Size() + vt.Size())
		n := allocSize((slot*8+8)*int64(v.Len()+7)/7) + 48
		if hasPointers(kt) || hasPointers(vt) {
			it := v.MapRange()
			for it.Next() {
				n += deepSize(it.Key(), depth+1) + deepSize(it.Value(), depth+1)
			}
		}
		return n
	default:
		return 0
	}
}
