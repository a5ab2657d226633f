package cache

import (
	"hash/maphash"
	"math/rand/v2"
	"reflect"
	"unsafe"
)

// Key kinds with a faster hash than maphash.Comparable.
const (
	keyAny uint8 = iota
	keyInt
	keyString
)

// hasher hashes keys with a per-cache random seed, so an adversary cannot
// pick keys that all land in one bucket. Integer keys take a multiply-xor
// mixer and strings maphash.String; other comparable keys maphash.Comparable.
type hasher[K comparable] struct {
	seed    maphash.Seed
	intSeed uint64
	kind    uint8
}

func newHasher[K comparable]() hasher[K] {
	h := hasher[K]{seed: maphash.MakeSeed(), intSeed: rand.Uint64()}
	switch reflect.TypeFor[K]().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		h.kind = keyInt
	case reflect.String:
		h.kind = keyString
	}
	return h
}

func (h *hasher[K]) hash(key K) uint64 {
	switch h.kind {
	case keyInt:
		return mix64(intBits(key) ^ h.intSeed)
	case keyString:
		return maphash.String(h.seed, *(*string)(unsafe.Pointer(&key)))
	default:
		return maphash.Comparable(h.seed, key)
	}
}

// intBits reads an integer-kinded key's bits; the size switch is resolved
// at compile time for each key shape.
func intBits[K any](key K) uint64 {
	switch unsafe.Sizeof(key) {
	case 8:
		return *(*uint64)(unsafe.Pointer(&key))
	case 4:
		return uint64(*(*uint32)(unsafe.Pointer(&key)))
	case 2:
		return uint64(*(*uint16)(unsafe.Pointer(&key)))
	default:
		return uint64(*(*uint8)(unsafe.Pointer(&key)))
	}
}

// mix64 is the splitmix64 finalizer: every input bit affects every output
// bit, so both the low bits (bucket) and the high bits (tag, shard) are good.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
