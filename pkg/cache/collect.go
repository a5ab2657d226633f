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
		st.Hits += s.gets.Load() - misses
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
