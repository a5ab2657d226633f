// Package cache is resync's embedded cache (the spec's AsyncTTLCache): a
// concurrent map with per-entry TTLs, one LRU order over an item bound and
// a byte bound for the whole cache, an eviction callback, GetOrLoad with one
// load per key, and statistics cheap enough to leave on.
//
//	c, err := cache.New(cache.Options[string, []byte]{MaxItems: 100_000, MaxBytes: 100 << 20})
//	defer c.Close()
//	c.Set("user:1", data, 5*time.Minute)
//	v, ok := c.Get("user:1")
//
// # Design
//
// Table. Keys hash (with a per-cache seed) to one of Options.Shards shards;
// each shard is a bucketed hash table whose 64-byte buckets hold six atomic
// node pointers and a word of 8-bit tags. Get takes no lock: it loads the
// table, the bucket and the node with atomic loads. Writers take the shard's
// mutex; a table grows by building a copy aside and publishing it with one
// store. A Set that keeps an entry's estimated size updates its node in
// place: a one-word value (an 8- or 4-byte number, a pointer, a map) is
// stored atomically in the node, any other value behind an atomic pointer
// (one small allocation); a Set that changes the size publishes a new node.
//
// Order. There is one exact LRU list for the whole cache, so the bounds are
// global: sharding never evicts while the cache has room, and evictions
// follow the cache-wide least recently used order. The list has one lock,
// which no Get waits for. Reads are recorded in small lossy rings, one per
// stripe (goroutines pick a stripe by their stack address), and replayed in
// order by whichever goroutine takes the lock: when a ring fills, or on the
// next write. Writes apply their change at once when the lock is free and
// queue it otherwise (a drain-status protocol after Caffeine's makes sure a
// queued write is applied by the lock holder or the next goroutine); a
// write only blocks when its stripe's queue is full.
//
// Recency window. A read of a node that moved to the front less than
// count/8 list moves ago is not recorded at all: it is already in the front
// eighth of the list, and moving it again changes nothing that eviction
// sees. Hot keys therefore cost no write but the hit counter. The order is
// then exact for the back seven eighths of the list, where evictions
// happen, and approximate only within the front eighth.
//
// Trade-off. Single-threaded, the cache is an exact LRU apart from the
// recency window; on the shared LIRS traces its hit ratio is within 0.05
// point of a single-list LRU of the same capacity (TestHitRatioMatchesExactLRU,
// which fails above 0.5 point). Under contention a read that finds its ring
// full while another goroutine drains is dropped, so the order becomes
// approximate, as in every buffered policy (Caffeine, otter); the bounds stay
// exact up to the writes still queued. In exchange a Get is a hash, a few
// atomic loads and one striped counter increment; bench/README.md has the
// side-by-side figures against otter, ristretto and golang-lru.
//
// Time. Reading the wall clock costs ~25 ns here, so the default clock is
// coarse: a goroutine stores the time every millisecond. A Get trusts it
// only for entries more than a second from their deadline and reads the
// precise clock otherwise, so an expired entry is never returned unless the
// ticking goroutine falls a full second behind. Options.Clock replaces all
// of this with an injected clock (tests need no sleeps). A background sweep
// every CleanupInterval removes expired entries with at most MaxWorkers
// goroutines; until then an expired entry counts in Len and may be evicted
// from the tail (counted as an expiration, not an eviction).
//
// # Memory estimate
//
// Each entry counts EntryOverhead — its node (key and value headers plus 32
// bytes of list links, deadline and bookkeeping, rounded up to Go's size
// class) plus TableShare (24) bytes of hash table — plus the data its key
// and value point to: exact for strings and byte slices (rounded up to the
// allocator's size class), Options.Sizer when given, nothing for types
// without pointers, and for other types a reflection walk of a sample of the
// Sets (the first 16, then one in 64) whose running mean stands for the
// rest. TestMemoryEstimate checks the estimate against the real heap growth
// (±10 %). The box of a multi-word value updated in place is not counted.
//
// # Statistics
//
// Hits and misses are counted on the reader's stripe (one uncontended
// atomic add), one Get in 64 measures its own latency for AvgGetNs, and
// every other counter is kept by writers under locks they hold anyway.
// BenchmarkStatsOverhead measures the cost.
package cache
