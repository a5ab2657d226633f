package sim

import "math/bits"

// Where an id is in wTinyLFU.
const (
	wtNone uint8 = iota
	wtWindow
	wtProbation
	wtProtected
)

// wTinyLFU is W-TinyLFU (Einziger, Friedman, Manes: "TinyLFU: A Highly
// Efficient Cache Admission Policy", ACM Transactions on Storage 13(4),
// 2017, Section 5): a window LRU of 1 % of the capacity (at least one item)
// in front of a main SLRU (20 % probation, 80 % protected), with TinyLFU
// admission between them. Every request is counted in a frequency sketch. A
// new item enters the window; the window's LRU item, when the window is
// over its size, moves to probation while the main cache has room, else it
// meets the main cache's victim (probation's LRU item, or protected's when
// probation is empty) and only the one with the higher estimated frequency
// stays (a tie keeps the victim). A hit in probation promotes to protected,
// whose LRU item drops back to probation's head when protected is full.
//
// The sketch is a count-min sketch of 4 rows of 4-bit counters, updated
// conservatively (only the row minima grow), halved every 10 × capacity
// requests (the paper's reset, with Caffeine's sample size); the paper's
// optional doorkeeper is left out, as Caffeine leaves it out.
type wTinyLFU struct {
	links
	window, probation, protected dlist
	where                        []uint8
	windowCap, probCap, protCap  int
	sketch                       cmSketch
}

func newWTinyLFU(distinct, capacity int) *wTinyLFU {
	w := max(capacity/100, 1)
	if capacity <= 1 {
		w = 0
	}
	mainCap := capacity - w
	prot := mainCap * 4 / 5
	return &wTinyLFU{links: newLinks(distinct), window: newDlist(), probation: newDlist(), protected: newDlist(),
		where: make([]uint8, distinct), windowCap: w, probCap: mainCap - prot, protCap: prot,
		sketch: newCMSketch(capacity)}
}

func (c *wTinyLFU) size() int { return c.window.n + c.probation.n + c.protected.n }

func (c *wTinyLFU) access(id int32) bool {
	c.sketch.add(uint64(id))
	switch c.where[id] {
	case wtWindow:
		c.toHead(&c.window, id)
		return true
	case wtProtected:
		c.toHead(&c.protected, id)
		return true
	case wtProbation:
		c.remove(&c.probation, id)
		c.pushHead(&c.protected, id)
		c.where[id] = wtProtected
		if c.protected.n > c.protCap {
			d := c.protected.tail
			c.remove(&c.protected, d)
			c.pushHead(&c.probation, d)
			c.where[d] = wtProbation
		}
		return true
	}
	if c.windowCap == 0 { // capacity 1: the main cache alone, its one item replaced
		if c.size() > 0 {
			c.drop(c.mainVictim())
		}
		c.pushHead(&c.probation, id)
		c.where[id] = wtProbation
		return false
	}
	c.pushHead(&c.window, id)
	c.where[id] = wtWindow
	if c.window.n > c.windowCap {
		c.admit(c.window.tail)
	}
	return false
}

// admit decides the fate of the window's LRU item cand.
func (c *wTinyLFU) admit(cand int32) {
	c.remove(&c.window, cand)
	if c.probation.n+c.protected.n >= c.probCap+c.protCap {
		v := c.mainVictim()
		if c.sketch.estimate(uint64(cand)) <= c.sketch.estimate(uint64(v)) {
			c.where[cand] = wtNone
			return
		}
		c.drop(v)
	}
	c.pushHead(&c.probation, cand)
	c.where[cand] = wtProbation
}

// mainVictim is the main cache's LRU item: probation's, or protected's when
// probation is empty.
func (c *wTinyLFU) mainVictim() int32 {
	if c.probation.n > 0 {
		return c.probation.tail
	}
	return c.protected.tail
}

func (c *wTinyLFU) drop(id int32) {
	if c.where[id] == wtProbation {
		c.remove(&c.probation, id)
	} else {
		c.remove(&c.protected, id)
	}
	c.where[id] = wtNone
}

func (c *wTinyLFU) toHead(q *dlist, id int32) {
	c.remove(q, id)
	c.pushHead(q, id)
}

// cmSketch is a count-min sketch of 4-bit counters (one byte each here, for
// simplicity: the estimates are the same) with conservative update and
// periodic halving.
type cmSketch struct {
	rows        [4][]uint8
	mask        uint64
	added, each int // requests since the last halving; the period
}

// sketchMaxWidth bounds a row: 16 Mi counters (64 MiB for 4 rows).
const sketchMaxWidth = 1 << 24

func newCMSketch(capacity int) cmSketch {
	width := min(max(1<<bits.Len(uint(16*max(capacity, 1))), 64), sketchMaxWidth)
	var s cmSketch
	for i := range s.rows {
		s.rows[i] = make([]uint8, width)
	}
	s.mask = uint64(width - 1)
	s.each = 10 * max(capacity, 1)
	return s
}

var sketchSeeds = [4]uint64{0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9, 0xd6e8feb86659fd93}

func (s *cmSketch) slot(row int, key uint64) uint64 {
	h := (key + 1) * sketchSeeds[row]
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h & s.mask
}

func (s *cmSketch) estimate(key uint64) uint8 {
	m := uint8(15)
	for r := range s.rows {
		m = min(m, s.rows[r][s.slot(r, key)])
	}
	return m
}

func (s *cmSketch) add(key uint64) {
	if m := s.estimate(key); m < 15 {
		for r := range s.rows {
			if i := s.slot(r, key); s.rows[r][i] == m {
				s.rows[r][i]++
			}
		}
	}
	if s.added++; s.added >= s.each {
		s.added = 0
		for r := range s.rows {
			for i := range s.rows[r] {
				s.rows[r][i] >>= 1
			}
		}
	}
}
