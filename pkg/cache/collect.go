package cache

// Stats returns a snapshot of the counters and the derived rates. It takes
// no lock; under concurrent use the counters are each exact but may be read
// at slightly different instants.
func (c *Cache[K, V]) Stats() Stats {
	var st Stats
	var ns, samples uint64
	for i := range c.stripes {
		s := &c.stripes[i]
		misses := s.misses.Load()
		// A Get counts its get, then its miss: a ResetStats in between
		// leaves a miss without its get.
		st.Hits += s.gets.Load() - min(misses, s.gets.Load())
		st.Misses += misses
		ns += s.getNs.Load()
		samples += s.getSamples.Load()
	}
	for i := range c.shards {
		s := &c.shards[i]
		st.Sets += s.sets.Load()
		st.Updates += s.updates.Load()
		st.Deletes += s.deletes.Load()
		st.Items += int(s.count.Load())
		st.Bytes += s.bytes.Load()
	}
	st.Evictions = c.evictions.Load()
	st.Expirations = c.expirations.Load()
	if gets := st.Hits + st.Misses; gets > 0 {
		st.HitRate = float64(st.Hits) / float64(gets)
		st.MissRate = float64(st.Misses) / float64(gets)
	}
	if writes := st.Sets + st.Updates; writes > 0 {
		st.EvictionRate = float64(st.Evictions) / float64(writes)
	}
	if samples > 0 {
		st.AvgGetNs = float64(ns) / float64(samples)
	}
	st.MaxItems = c.maxItems
	st.MaxBytes = c.maxBytes
	st.ItemUtilization = float64(st.Items) / float64(st.MaxItems)
	st.ByteUtilization = float64(st.Bytes) / float64(st.MaxBytes)
	return st
}

// ResetStats starts the counters afresh (hits, misses, sets, updates,
// deletes, evictions, expirations and the Get latency samples), as a run's
// measured phase begins after its warm-up; items and bytes are the cache's
// contents and stay.
func (c *Cache[K, V]) ResetStats() {
	for i := range c.stripes {
		s := &c.stripes[i]
		s.gets.Store(0)
		s.misses.Store(0)
		s.getNs.Store(0)
		s.getSamples.Store(0)
	}
	for i := range c.shards {
		s := &c.shards[i]
		s.sets.Store(0)
		s.updates.Store(0)
		s.deletes.Store(0)
	}
	c.evictions.Store(0)
	c.expirations.Store(0)
}
