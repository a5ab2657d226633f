package cache

import (
	"errors"
	"fmt"
	"time"
)

// Defaults used when an Options field is zero. They are the spec's values.
const (
	// DefaultTTL is the time an entry lives when Set is given no TTL.
	DefaultTTL = 60 * time.Second
	// DefaultCleanupInterval is how often expired entries are swept out.
	DefaultCleanupInterval = 30 * time.Second
	// DefaultShards is the number of independently locked hash-table shards.
	DefaultShards = 8
	// DefaultMaxWorkers bounds the goroutines one cleanup sweep uses.
	DefaultMaxWorkers = 4
	// DefaultMaxItems is the item bound of the whole cache.
	DefaultMaxItems = 100_000
	// DefaultMaxBytes is the estimated-memory bound of the whole cache (100 MB).
	DefaultMaxBytes = 100 << 20
)

// Upper limits on the structural options; larger values are errors.
const (
	maxShards  = 1 << 12
	maxWorkers = 1 << 10
)

// EvictReason says why an entry left the cache.
type EvictReason uint8

// Reasons passed to Options.OnEvict.
const (
	// EvictCapacity: removed to respect MaxItems or MaxBytes.
	EvictCapacity EvictReason = iota + 1
	// EvictExpired: its TTL passed (found by a sweep, a read or a write).
	EvictExpired
	// EvictDeleted: removed by Delete or Clear.
	EvictDeleted
	// EvictReplaced: a Set stored a new value under its key.
	EvictReplaced
)

// String names the reason: capacity, expired, deleted or replaced.
func (r EvictReason) String() string {
	switch r {
	case EvictCapacity:
		return "capacity"
	case EvictExpired:
		return "expired"
	case EvictDeleted:
		return "deleted"
	case EvictReplaced:
		return "replaced"
	default:
		return fmt.Sprintf("EvictReason(%d)", uint8(r))
	}
}

// Options configures a Cache. Zero values mean the Default… constants;
// negative values are errors.
type Options[K comparable, V any] struct {
	// TTL is the default time to live of an entry (Set with ttl ≤ 0 uses it).
	TTL time.Duration
	// CleanupInterval is the period of the background sweep that removes
	// expired entries. Reads never return an expired entry between sweeps.
	CleanupInterval time.Duration
	// Shards is the number of hash-table shards, each with its own write lock.
	Shards int
	// MaxWorkers is the most goroutines a cleanup sweep runs at once.
	MaxWorkers int
	// MaxItems bounds the number of entries in the whole cache.
	MaxItems int
	// MaxBytes bounds the estimated memory of the whole cache, in bytes.
	MaxBytes int64
	// Sizer, when set, returns the bytes of one key and value; the cache adds
	// its per-entry overhead (see EntryOverhead). When nil, the size is
	// estimated (see the package documentation).
	Sizer func(key K, value V) int64
	// OnEvict, when set, is called after an entry leaves the cache, outside
	// the cache's locks (it may call the cache). It runs on the goroutine
	// that removed the entry, so it should be quick.
	OnEvict func(key K, value V, reason EvictReason)
	// Clock, when set, replaces the wall clock for TTLs: tests inject a fake
	// one and need no sleeps. It is called on every Get and Set.
	Clock func() time.Time
}

// withDefaults returns o with zero fields replaced by the defaults, or an
// error naming the first invalid field.
func (o Options[K, V]) withDefaults() (Options[K, V], error) {
	var errs []error
	neg := func(name string, bad bool) {
		if bad {
			errs = append(errs, fmt.Errorf("cache: %s must not be negative (0 means the default)", name))
		}
	}
	neg("TTL", o.TTL < 0)
	neg("CleanupInterval", o.CleanupInterval < 0)
	neg("Shards", o.Shards < 0)
	neg("MaxWorkers", o.MaxWorkers < 0)
	neg("MaxItems", o.MaxItems < 0)
	neg("MaxBytes", o.MaxBytes < 0)
	if o.Shards > maxShards {
		errs = append(errs, fmt.Errorf("cache: Shards %d is more than %d: use fewer shards", o.Shards, maxShards))
	}
	if o.MaxWorkers > maxWorkers {
		errs = append(errs, fmt.Errorf("cache: MaxWorkers %d is more than %d: use fewer workers", o.MaxWorkers, maxWorkers))
	}
	if err := errors.Join(errs...); err != nil {
		return o, err
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.CleanupInterval == 0 {
		o.CleanupInterval = DefaultCleanupInterval
	}
	if o.Shards == 0 {
		o.Shards = DefaultShards
	}
	if o.MaxWorkers == 0 {
		o.MaxWorkers = DefaultMaxWorkers
	}
	if o.MaxItems == 0 {
		o.MaxItems = DefaultMaxItems
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o, nil
}
