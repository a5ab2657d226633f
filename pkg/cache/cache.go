package cache

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Cache is a concurrent, bounded, TTL cache with one global LRU order.
// All methods are safe for concurrent use. The zero value is not usable:
// create caches with New.
type Cache[K comparable, V any] struct {
	// read-mostly after New
	hasher    hasher[K]
	shards    []shard[K, V]
	nshards   uint64
	stripes   []stripe[K, V]
	smask     uint64
	ttl       time.Duration
	maxItems  int
	maxBytes  int64
	sizer     sizer[K, V]
	onEvict   func(K, V, EvictReason)
	workers   int
	valueMode uint8
	statsOff  bool // for measuring the cost of statistics only
	clock

	_   [64]byte
	hot struct {
		tick    uint32        // policy tick, guarded by the policy lock
		tickPub atomic.Uint32 // tick as readers see it
		window  atomic.Uint32 // recency window in ticks
		_       [52]byte
	}
	_         [64]byte // keeps hot and readDirty on lines of their own
	readDirty dirtyMask
	policy    policy[K, V]

	evictions, expirations atomic.Uint64

	loads     sync.WaitGroup // GetOrLoad loaders running
	loadCtx   loadScope
	stop      chan struct{}
	closeOnce sync.Once
	bg        sync.WaitGroup
}

// New creates a cache. Zero option fields take the Default… values;
// negative ones, or a MaxBytes too small for a single entry, are errors.
// It starts the background cleanup (and, without Options.Clock, the coarse
// clock); Close stops them.
func New[K comparable, V any](opts Options[K, V]) (*Cache[K, V], error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if min := EntryOverhead[K, V](); o.MaxBytes < min {
		return nil, fmt.Errorf("cache: MaxBytes %d is smaller than one entry (%d bytes): raise MaxBytes", o.MaxBytes, min)
	}
	c := &Cache[K, V]{
		hasher:    newHasher[K](),
		shards:    make([]shard[K, V], o.Shards),
		nshards:   uint64(o.Shards),
		ttl:       o.TTL,
		maxItems:  o.MaxItems,
		maxBytes:  o.MaxBytes,
		onEvict:   o.OnEvict,
		workers:   o.MaxWorkers,
		valueMode: valueModeOf[K, V](),
		stop:      make(chan struct{}),
	}
	n := stripeCount()
	c.stripes = make([]stripe[K, V], n)
	c.smask = uint64(n - 1)
	for i := range c.shards {
		c.shards[i].init()
	}
	c.policy.init()
	c.sizer.init(o.Sizer)
	c.loadCtx.init()
	c.clock.init(o.Clock)
	if o.Clock == nil {
		c.coarse.Store(c.precise())
		c.bg.Add(1)
		go func() { defer c.bg.Done(); c.tickLoop(c.stop) }()
	}
	c.bg.Add(1)
	go func() { defer c.bg.Done(); c.cleanupLoop(o.CleanupInterval) }()
	return c, nil
}

// shardOf picks the shard from the middle bits of the hash (the bucket
// uses the low bits and the tag the top ones).
func (c *Cache[K, V]) shardOf(h uint64) *shard[K, V] {
	return &c.shards[((h>>32)&0xffffff)*c.nshards>>24]
}

func (c *Cache[K, V]) stripe() (uint64, *stripe[K, V]) {
	i := stackHash() & c.smask
	return i, &c.stripes[i]
}

// Get returns the value stored under key, if it is there and has not
// expired. It takes no lock.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	si, st := c.stripe()
	if c.statsOff {
		return c.get(key, si, st)
	}
	// One counter add per Get: hits are gets − misses, and the add's
	// result picks the one Get in 64 that times itself.
	if st.gets.Add(1)&latencySampleMask != 0 {
		return c.get(key, si, st)
	}
	start := c.precise()
	v, ok := c.get(key, si, st)
	c.sampleGet(st, start)
	return v, ok
}

func (c *Cache[K, V]) get(key K, si uint64, st *stripe[K, V]) (V, bool) {
	h := c.hasher.hash(key)
	n := c.shardOf(h).find(h, key)
	if n == nil || c.expired(n.expireAt.Load(), c.now()) {
		if !c.statsOff {
			st.misses.Add(1)
		}
		var zero V
		return zero, false
	}
	if int32(c.hot.tickPub.Load()-n.stamp.Load()) >= int32(c.hot.window.Load()) {
		stored, full := st.recordRead(n)
		if stored {
			c.readDirty.mark(si)
		}
		if full {
			c.tryDrain()
		}
	}
	return n.load(c.valueMode), true
}

func (c *Cache[K, V]) sampleGet(st *stripe[K, V], start int64) {
	st.getNs.Add(uint64(max(c.precise()-start, 0)))
	st.getSamples.Add(1)
}

// Set stores value under key for ttl (ttl ≤ 0 means Options.TTL),
// replacing any value there; storing counts as a use for the LRU order.
// When the cache is over MaxItems or MaxBytes afterwards, the least
// recently used entries are evicted. An entry larger than MaxBytes on its
// own is not stored (it counts as a capacity eviction).
func (c *Cache[K, V]) Set(key K, value V, ttl time.Duration) { c.set(key, value, ttl, nil) }

// set is Set; with skip (a GetOrLoad's store), nothing is written when
// *skip is true under the shard's write lock. Without it, an in-flight load
// of key is marked first (supersede).
func (c *Cache[K, V]) set(key K, value V, ttl time.Duration, skip *atomic.Bool) {
	if ttl <= 0 {
		ttl = c.ttl
	}
	now := c.now()
	size := min(c.sizer.size(key, value), sizeMask)
	h := c.hasher.hash(key)
	s := c.shardOf(h)
	if skip == nil {
		s.supersede(key)
	}
	if size > c.maxBytes {
		c.rejectOversized(s, h, key, value, skip)
		return
	}
	s.mu.Lock()
	if skip != nil && skip.Load() {
		s.mu.Unlock()
		return
	}
	if old := s.find(h, key); old != nil && old.size() == size {
		c.updateInPlace(s, old, value, deadline(now, ttl), now)
		return
	}
	n := &node[K, V]{key: key, value: value}
	n.expireAt.Store(deadline(now, ttl))
	n.setSize(size)
	old := s.put(h, n)
	oldExpired := false
	if old == nil {
		s.count.Add(1)
		s.bytes.Add(size)
		s.sets.Add(1)
		s.grow(c.hasher.hash)
	} else {
		old.markRemoved()
		s.bytes.Add(size - old.size())
		if oldExpired = c.expired(old.expireAt.Load(), now); oldExpired {
			s.sets.Add(1)
		} else {
			s.updates.Add(1)
		}
	}
	s.mu.Unlock()
	if old == nil {
		c.afterWrite(n)
		return
	}
	c.afterWrite(n, old)
	c.replaced(old.key, old.load(c.valueMode), oldExpired)
}

// updateInPlace stores a new value and deadline in a node whose size does
// not change, so the policy has nothing to account: the Set is recorded
// like a read. The caller holds s.mu; it is released here.
func (c *Cache[K, V]) updateInPlace(s *shard[K, V], n *node[K, V], value V, expireAt, now int64) {
	oldValue := n.load(c.valueMode)
	oldExpired := c.expired(n.expireAt.Load(), now)
	n.store(c.valueMode, value)
	n.expireAt.Store(expireAt)
	if oldExpired {
		s.sets.Add(1)
	} else {
		s.updates.Add(1)
	}
	s.mu.Unlock()
	c.recordUse(n)
	c.replaced(n.key, oldValue, oldExpired)
}

// recordUse records a use of n for the LRU order, unless n moved to the
// front recently.
func (c *Cache[K, V]) recordUse(n *node[K, V]) {
	if int32(c.hot.tickPub.Load()-n.stamp.Load()) < int32(c.hot.window.Load()) {
		return
	}
	si, st := c.stripe()
	stored, full := st.recordRead(n)
	if stored {
		c.readDirty.mark(si)
	}
	if full {
		c.tryDrain()
	}
}

// replaced accounts for a value that a Set overwrote.
func (c *Cache[K, V]) replaced(key K, old V, expired bool) {
	reason := EvictReplaced
	if expired {
		reason = EvictExpired
		c.expirations.Add(1)
	}
	if c.onEvict != nil {
		c.onEvict(key, old, reason)
	}
}

// rejectOversized handles a Set whose entry alone exceeds MaxBytes: the
// key's old value (if any) is replaced by nothing, and the new one is
// reported as evicted for capacity. skip is set's.
func (c *Cache[K, V]) rejectOversized(s *shard[K, V], h uint64, key K, value V, skip *atomic.Bool) {
	s.mu.Lock()
	if skip != nil && skip.Load() {
		s.mu.Unlock()
		return
	}
	old := s.find(h, key)
	if old != nil && s.remove(h, old) {
		old.markRemoved()
		s.count.Add(-1)
		s.bytes.Add(-old.size())
	} else {
		old = nil
	}
	s.sets.Add(1)
	s.mu.Unlock()
	c.evictions.Add(1)
	if old != nil {
		c.afterWrite(old)
	}
	if c.onEvict != nil {
		if old != nil {
			c.onEvict(old.key, old.load(c.valueMode), EvictReplaced)
		}
		c.onEvict(key, value, EvictCapacity)
	}
}

// Delete removes key and reports whether a live (unexpired) entry was
// removed. An expired entry is removed too, as an expiration.
func (c *Cache[K, V]) Delete(key K) bool {
	h := c.hasher.hash(key)
	s := c.shardOf(h)
	s.supersede(key)
	s.mu.Lock()
	n := s.find(h, key)
	if n == nil || !s.remove(h, n) {
		s.mu.Unlock()
		return false
	}
	n.markRemoved()
	s.count.Add(-1)
	s.bytes.Add(-n.size())
	expired := c.expired(n.expireAt.Load(), c.now())
	if !expired {
		s.deletes.Add(1)
	}
	s.mu.Unlock()
	c.afterWrite(n)
	reason := EvictDeleted
	if expired {
		reason = EvictExpired
		c.expirations.Add(1)
	}
	if c.onEvict != nil {
		c.onEvict(n.key, n.load(c.valueMode), reason)
	}
	return !expired
}

// Len returns the number of entries, including expired ones not yet
// swept out.
func (c *Cache[K, V]) Len() int {
	var n int64
	for i := range c.shards {
		n += c.shards[i].count.Load()
	}
	return int(n)
}

// Clear removes every entry (OnEvict sees them as deleted). Statistics
// counters are kept. Loads in flight (GetOrLoad) still return their values
// to their callers but do not store them.
func (c *Cache[K, V]) Clear() {
	for i := range c.shards {
		c.shards[i].supersedeAll()
	}
	var removed []*node[K, V]
	c.policy.mu.Lock()
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.each(func(n *node[K, V]) bool {
			n.markRemoved()
			if c.onEvict != nil {
				removed = append(removed, n)
			}
			return true
		})
		s.reset()
		s.mu.Unlock()
	}
	p := &c.policy
	for n := p.back(); n != nil; n = p.back() {
		p.unlink(n)
	}
	p.count, p.bytes = 0, 0
	c.hot.window.Store(0)
	c.policy.mu.Unlock()
	for _, n := range removed {
		c.onEvict(n.key, n.load(c.valueMode), EvictDeleted)
	}
}

// Close stops the background goroutines, cancels the context of running
// GetOrLoad loaders and waits for them to return. The cache stays usable
// (without the background sweep, and loaders started later get a cancelled
// context); Close must not run concurrently with GetOrLoad. Close is
// idempotent and returns nil.
func (c *Cache[K, V]) Close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		c.bg.Wait()
		c.loadCtx.cancelAll()
		c.loads.Wait()
	})
	return nil
}
