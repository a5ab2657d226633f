package cache

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// The policy is one exact LRU list for the whole cache, guarded by one
// lock that no read ever waits for. Reads are recorded in lossy per-stripe
// rings and replayed in batches by whichever goroutine holds the lock;
// writes are applied at once when the lock is free and queued otherwise.
// Reads of a node that moved to the front less than window moves ago are
// not recorded at all: that node is already near the front.

// drain statuses (the Caffeine protocol): a writer that queues a node and
// finds the lock taken leaves required or processingRequired behind, so the
// holder, or the next goroutine, drains the queue.
const (
	idle int32 = iota
	required
	processing
	processingRequired
)

// windowShift sets the recency window to 1/2^windowShift of the entries.
// A read of a node that moved to the front fewer than count>>windowShift
// policy ticks ago is not recorded: the node is in the front part of the
// list already. The LRU order is then exact for the rest of the list; the
// hit ratio stays within a fraction of a point of an exact LRU (see the
// trace tests) while hot keys cost no write at all.
const windowShift = 3

type policy[K comparable, V any] struct {
	_          [64]byte
	mu         sync.Mutex
	status     atomic.Int32 // drain status, next to the lock it is about
	writeDirty dirtyMask    // stripes with queued writes
	tick       uint32       // policy tick, guarded by mu
	head       node[K, V]   // sentinel: head.next is the most recent, head.prev the least
	// guarded by mu
	count   int
	bytes   int64
	evicted []evicted[K, V] // callbacks to run after unlock
}

type evicted[K comparable, V any] struct {
	key    K
	value  V
	reason EvictReason
}

func (p *policy[K, V]) init() {
	p.head.next = &p.head
	p.head.prev = &p.head
}

func (p *policy[K, V]) pushFront(n *node[K, V]) {
	n.prev = &p.head
	n.next = p.head.next
	n.next.prev = n
	p.head.next = n
}

func (p *policy[K, V]) unlink(n *node[K, V]) {
	n.prev.next = n.next
	n.next.prev = n.prev
	n.prev, n.next = nil, nil
}

func (p *policy[K, V]) moveFront(n *node[K, V]) {
	if p.head.next == n {
		return
	}
	n.prev.next = n.next
	n.next.prev = n.prev
	n.prev = &p.head
	n.next = p.head.next
	n.next.prev = n
	p.head.next = n
}

// back returns the least recently used node, or nil.
func (p *policy[K, V]) back() *node[K, V] {
	if p.head.prev == &p.head {
		return nil
	}
	return p.head.prev
}

// onRead moves a recorded node to the front, unless it has left the cache.
func (c *Cache[K, V]) onRead(n *node[K, V]) {
	if n.linked() && !n.removed() {
		c.policy.moveFront(n)
		c.stampNode(n)
	}
}

// onWrite links a new node, or unlinks one that left the table.
func (c *Cache[K, V]) onWrite(n *node[K, V]) {
	p := &c.policy
	switch {
	case n.removed():
		if n.linked() {
			p.unlink(n)
			p.count--
			p.bytes -= n.size()
		}
	case !n.linked():
		p.pushFront(n)
		p.count++
		p.bytes += n.size()
		c.stampNode(n)
	default:
		p.moveFront(n)
		c.stampNode(n)
	}
}

func (c *Cache[K, V]) stampNode(n *node[K, V]) {
	c.policy.tick++
	n.stamp.Store(c.policy.tick)
}

// maintain drains the rings, applies the caller's nodes and evicts until
// both bounds hold. Called with the policy lock held.
func (c *Cache[K, V]) maintain(own ...*node[K, V]) {
	for {
		c.policy.status.Store(processing)
		for m := c.readDirty.take(); m != 0; m &= m - 1 {
			c.stripes[bits.TrailingZeros64(m)].drainReads(c.onRead)
		}
		for m := c.policy.writeDirty.take(); m != 0; m &= m - 1 {
			c.stripes[bits.TrailingZeros64(m)].drainWrites(c.onWrite)
		}
		for _, n := range own {
			c.onWrite(n)
		}
		own = nil
		c.evict()
		c.publish()
		if c.policy.status.CompareAndSwap(processing, idle) {
			return
		}
	}
}

// publish shows readers the tick and window. The tick is republished
// only once it is window/16 ahead, so the line readers load every Get is
// not written on every write; a reader then sees nodes up to window/16
// ticks younger than they are, which widens the window by that much.
func (c *Cache[K, V]) publish() {
	w := uint32(c.policy.count >> windowShift)
	if c.hot.window.Load() != w {
		c.hot.window.Store(w)
	}
	if c.policy.tick-c.hot.tickPub.Load() > w>>4 {
		c.hot.tickPub.Store(c.policy.tick)
	}
}

// evict removes least recently used nodes until both bounds hold.
func (c *Cache[K, V]) evict() {
	p := &c.policy
	for p.count > c.maxItems || p.bytes > c.maxBytes {
		n := p.back()
		if n == nil {
			return
		}
		if c.removeFromTable(n) {
			reason := EvictCapacity
			if c.expired(n.expireAt.Load(), c.now()) {
				reason = EvictExpired
				c.expirations.Add(1)
			} else {
				c.evictions.Add(1)
			}
			if c.onEvict != nil {
				p.evicted = append(p.evicted, evicted[K, V]{n.key, n.load(c.valueMode), reason})
			}
		}
		p.unlink(n)
		p.count--
		p.bytes -= n.size()
	}
}

// removeFromTable deletes n from its shard if it is still there.
func (c *Cache[K, V]) removeFromTable(n *node[K, V]) bool {
	h := c.hasher.hash(n.key)
	s := c.shardOf(h)
	s.mu.Lock()
	ok := !n.removed() && s.remove(h, n)
	if ok {
		n.markRemoved()
		s.count.Add(-1)
		s.bytes.Add(-n.size())
	}
	s.mu.Unlock()
	return ok
}

// unlockPolicy releases the lock, runs the collected callbacks, and drains
// again if a writer asked for it meanwhile.
func (c *Cache[K, V]) unlockPolicy() {
	for {
		var cbs []evicted[K, V]
		if len(c.policy.evicted) > 0 {
			cbs = c.policy.evicted
			c.policy.evicted = nil
		}
		c.policy.mu.Unlock()
		for _, e := range cbs {
			c.onEvict(e.key, e.value, e.reason)
		}
		if c.policy.status.Load() != required || !c.policy.mu.TryLock() {
			return
		}
		c.maintain()
	}
}

// afterWrite hands written nodes to the policy: at once when the lock is
// free, through the stripe's queue when another goroutine holds it.
func (c *Cache[K, V]) afterWrite(nodes ...*node[K, V]) {
	if c.policy.mu.TryLock() {
		c.maintain(nodes...)
		c.unlockPolicy()
		return
	}
	si, s := c.stripe()
	for _, n := range nodes {
		for !s.pushWrite(n) {
			c.policy.writeDirty.mark(si)
			// Queue full: wait for the lock rather than lose the write.
			c.policy.mu.Lock()
			c.maintain()
			c.unlockPolicy()
		}
		c.policy.writeDirty.mark(si)
	}
	c.scheduleDrain()
}

// scheduleDrain makes sure queued writes are applied: by us if the lock is
// free, else by its holder (which loops on processingRequired) or by the
// goroutine that releases it (which checks for required).
func (c *Cache[K, V]) scheduleDrain() {
	for {
		switch st := c.policy.status.Load(); st {
		case idle:
			if !c.policy.status.CompareAndSwap(idle, required) {
				continue
			}
			c.tryDrain()
			return
		case required:
			c.tryDrain()
			return
		case processing:
			if c.policy.status.CompareAndSwap(processing, processingRequired) {
				return
			}
		default: // processingRequired
			return
		}
	}
}

func (c *Cache[K, V]) tryDrain() {
	if c.policy.mu.TryLock() {
		c.maintain()
		c.unlockPolicy()
	}
}
