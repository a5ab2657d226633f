package resources

// Stats returns counts and lifetime percentiles by kind. Created, Released
// and Active are exact. PeakActive is exact up to 1024 active resources of
// a kind and within 6.25 % above (see kindState). Lifetimes are those of
// released resources, from a log-linear histogram accurate to ±6.25 %.
func (t *Tracker) Stats() Stats {
	kinds := t.in.kindList()
	st := Stats{ByKind: make(map[string]KindStats, len(kinds))}
	type acc struct {
		created, released uint64
		active            int64
		hist              lifetimeHist
	}
	accs := make([]acc, len(kinds))
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for k := range min(len(s.kinds), len(accs)) {
			kc := &s.kinds[k]
			accs[k].created += kc.created
			accs[k].released += kc.released
			accs[k].active += kc.active
			if kc.hist != nil {
				accs[k].hist.merge(kc.hist)
			}
		}
		s.mu.Unlock()
	}
	for i, ks := range kinds {
		a := &accs[i]
		active := int(a.active)
		ks.raise(a.active) // the exact count may be above the batched estimate
		st.Active += active
		st.ByKind[ks.name] = KindStats{
			Created:     a.created,
			Released:    a.released,
			Active:      active,
			PeakActive:  int(ks.peak.Load()),
			LifetimeP50: a.hist.quantile(0.50) / 1e9,
			LifetimeP95: a.hist.quantile(0.95) / 1e9,
			LifetimeP99: a.hist.quantile(0.99) / 1e9,
		}
	}
	return st
}
