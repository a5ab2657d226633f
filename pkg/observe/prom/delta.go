package prom

import (
	"slices"
	"strings"
	"time"
)

// Change is one entity over a window between two scrapes.
type Change struct {
	Entity
	// Window is the time between the scrapes.
	Window time.Duration `json:"window_ns"`
	// Deltas holds each counter's growth over the window; gauges are in
	// Entity.Values at the later scrape.
	Deltas map[string]float64 `json:"deltas"`
	// Reset lists the counters that went backwards (the process restarted):
	// their delta is the later value, counted from the restart, never
	// negative.
	Reset []string `json:"reset,omitempty"`
	// New is set when the entity was absent from the first scrape: it has
	// gauges but no deltas.
	New bool `json:"new,omitempty"`
}

// Delta turns two scrapes of one endpoint into per-entity changes, sorted by
// key. An entity gone from the later scrape is left out.
func Delta(before, after *Snapshot) []Change {
	prev := map[string]*Entity{}
	for _, e := range before.Entities {
		prev[e.Key()] = e
	}
	out := make([]Change, 0, len(after.Entities))
	for _, e := range after.Entities {
		c := Change{Entity: *e, Window: after.At.Sub(before.At), Deltas: map[string]float64{}}
		p, ok := prev[e.Key()]
		if !ok {
			c.New = true
			out = append(out, c)
			continue
		}
		for field, v := range e.Values {
			if !IsCounter(field) {
				continue
			}
			old, ok := p.Values[field]
			if !ok {
				continue
			}
			d := v - old
			if d < 0 {
				c.Reset = append(c.Reset, field)
				d = v
			}
			c.Deltas[field] = d
		}
		slices.Sort(c.Reset)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Key(), b.Key()) })
	return out
}

// Ratio returns num/(num+other) over the window's deltas, and false when
// the denominator is zero or a part is missing: a cache's hit rate is
// Ratio(Hits, Misses).
func (c *Change) Ratio(num, other string) (float64, bool) {
	a, ok1 := c.Deltas[num]
	b, ok2 := c.Deltas[other]
	if !ok1 || !ok2 || a+b == 0 {
		return 0, false
	}
	return a / (a + b), true
}

// Utilization returns in-use over max connections at the later scrape.
func (c *Change) Utilization() (float64, bool) {
	used, ok1 := c.Values[InUse]
	max, ok2 := c.Values[Max]
	if !ok1 || !ok2 || max <= 0 {
		return 0, false
	}
	return used / max, true
}
