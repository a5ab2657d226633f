package sim

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Policy names accepted by Config.Policies and `cache simulate --policy`.
const (
	PolicyLRU      = "lru"
	PolicySIEVE    = "sieve"
	PolicyS3FIFO   = "s3fifo"
	PolicyARC      = "arc"
	Policy2Q       = "2q"
	PolicyLIRS     = "lirs"
	PolicyWTinyLFU = "wtinylfu"
	PolicyOpt      = "opt"
)

// Policies lists every policy name, in the order tables show them.
var Policies = []string{PolicyLRU, PolicySIEVE, PolicyS3FIFO, PolicyARC, Policy2Q, PolicyLIRS, PolicyWTinyLFU, PolicyOpt}

// DefaultPolicies are simulated when none is asked for.
var DefaultPolicies = []string{PolicyLRU, PolicyOpt}

// PolicyHitRate is one extra policy's outcome at one capacity.
type PolicyHitRate struct {
	Policy  string  `json:"policy"`
	Hits    int64   `json:"hits"`
	HitRate float64 `json:"hit_rate"`
}

// ParsePolicies checks names against Policies and returns them deduplicated
// in table order. An unknown name is an error naming it.
func ParsePolicies(names []string) ([]string, error) {
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if !slices.Contains(Policies, n) {
			return nil, fmt.Errorf("unknown policy %q: use %s", n, strings.Join(Policies, ", "))
		}
		seen[n] = true
	}
	var out []string
	for _, p := range Policies {
		if seen[p] {
			out = append(out, p)
		}
	}
	return out, nil
}

// extraPolicies are the policies replayed one capacity at a time; LRU
// (stack distances) and the optimum (Belady) have their own passes.
func extraPolicies(names []string) []string {
	var out []string
	for _, n := range names {
		if n != PolicyLRU && n != PolicyOpt {
			out = append(out, n)
		}
	}
	return out
}

// cachePolicy is an item-count cache over dense ids 0..distinct-1.
type cachePolicy interface {
	access(id int32) (hit bool)
	size() int // resident items
}

func newPolicy(name string, distinct, capacity int) cachePolicy {
	switch name {
	case PolicySIEVE:
		return newSieve(distinct, capacity)
	case PolicyS3FIFO:
		return newS3FIFO(distinct, capacity)
	case PolicyARC:
		return newARC(distinct, capacity)
	case Policy2Q:
		return newTwoQ(distinct, capacity)
	case PolicyLIRS:
		return newLIRS(distinct, capacity)
	case PolicyWTinyLFU:
		return newWTinyLFU(distinct, capacity)
	}
	panic("sim: no replay for policy " + name)
}

// PolicyHits replays ids through the named policy (sieve, s3fifo, arc, 2q,
// lirs or wtinylfu)
// at capacity items and returns its hits.
func PolicyHits(name string, ids []int32, distinct, capacity int) int64 {
	hits, _ := policyHits(context.Background(), name, ids, distinct, capacity)
	return hits
}

// policyHits is PolicyHits that gives up (ok false) when ctx is done.
func policyHits(ctx context.Context, name string, ids []int32, distinct, capacity int) (hits int64, ok bool) {
	p := newPolicy(name, distinct, capacity)
	for i, id := range ids {
		if cancelled(ctx, i) {
			return 0, false
		}
		if p.access(id) {
			hits++
		}
	}
	return hits, true
}

// nilID ends a list.
const nilID = -1

// links are intrusive doubly linked lists over ids: each id is on at most
// one list at a time, so one prev/next pair per id serves them all.
type links struct{ prev, next []int32 }

func newLinks(distinct int) links {
	l := links{prev: make([]int32, distinct), next: make([]int32, distinct)}
	for i := range l.prev {
		l.prev[i], l.next[i] = nilID, nilID
	}
	return l
}

// dlist is one list of links: head is the most recent end, tail the oldest.
type dlist struct {
	head, tail int32
	n          int
}

func newDlist() dlist { return dlist{head: nilID, tail: nilID} }

func (l *links) pushHead(q *dlist, id int32) {
	l.prev[id], l.next[id] = nilID, q.head
	if q.head != nilID {
		l.prev[q.head] = id
	} else {
		q.tail = id
	}
	q.head = id
	q.n++
}

func (l *links) remove(q *dlist, id int32) {
	p, n := l.prev[id], l.next[id]
	if p != nilID {
		l.next[p] = n
	} else {
		q.head = n
	}
	if n != nilID {
		l.prev[n] = p
	} else {
		q.tail = p
	}
	l.prev[id], l.next[id] = nilID, nilID
	q.n--
}

// sieve is SIEVE (Zhang, Yang, Yue, Vigfusson, Rashmi: "SIEVE is Simpler
// than LRU: an Efficient Turn-Key Eviction Algorithm for Web Caches",
// NSDI 2024). One FIFO queue with a visited bit per item: a hit sets the
// bit and moves nothing; to evict, the hand walks from where it last
// stopped toward the head (newer items), clearing set bits, wrapping to
// the tail, and evicts the first item whose bit is clear; the hand then
// rests on that item's newer neighbour. New items go in at the head.
type sieve struct {
	links
	q        dlist
	in       []bool
	visited  []bool
	hand     int32
	capacity int
}

func newSieve(distinct, capacity int) *sieve {
	return &sieve{links: newLinks(distinct), q: newDlist(), in: make([]bool, distinct),
		visited: make([]bool, distinct), hand: nilID, capacity: capacity}
}

func (s *sieve) size() int { return s.q.n }

func (s *sieve) access(id int32) bool {
	if s.in[id] {
		s.visited[id] = true
		return true
	}
	if s.q.n >= s.capacity {
		o := s.hand
		if o == nilID {
			o = s.q.tail
		}
		for s.visited[o] {
			s.visited[o] = false
			o = s.prev[o]
			if o == nilID {
				o = s.q.tail
			}
		}
		s.hand = s.prev[o]
		s.remove(&s.q, o)
		s.in[o] = false
	}
	s.pushHead(&s.q, id)
	s.in[id], s.visited[id] = true, false
	return false
}

// ring is a FIFO of ids in a circular buffer: push at the head, pop at
// the tail.
type ring struct {
	buf        []int32
	start, len int
}

func newRing(n int) ring { return ring{buf: make([]int32, max(n, 1))} }

func (r *ring) push(id int32) {
	if r.len == len(r.buf) {
		r.buf = append(r.buf[r.start:], r.buf[:r.start]...) // grow: unroll, then append doubles
		r.buf = append(r.buf, make([]int32, len(r.buf))...)
		r.start = 0
	}
	r.buf[(r.start+r.len)%len(r.buf)] = id
	r.len++
}

func (r *ring) pop() int32 {
	id := r.buf[r.start]
	r.start = (r.start + 1) % len(r.buf)
	r.len--
	return id
}

// Where an id is in s3fifo.
const (
	s3None uint8 = iota
	s3Small
	s3Main
)

// s3fifo is S3-FIFO (Yang, Zhang, Qiu, Yue, Rashmi: "FIFO queues are all
// you need for cache eviction", SOSP 2023), Algorithm 1: a small FIFO S
// holding 10 % of the capacity, a main FIFO M holding the rest, and a
// ghost FIFO G remembering as many evicted ids as M holds. A hit bumps a
// 2-bit frequency (at most 3) and moves nothing. A miss inserts into M if
// the id is in G, into S otherwise, after evicting while the cache is
// full: from S when S holds at least its 10 % (its tail moves to M if its
// frequency is above 1, else goes to G and is evicted), else from M (its
// tail goes back to M's head with the frequency lowered by one while
// that is above 0, else it is evicted). As in the authors' libCacheSim, an
// id moved into a full M makes the next eviction come from M instead of
// evicting from M at once; when the cache is full the two rules pick the
// same queue. Also as there, an id moved from S to M starts M with
// frequency 0, and G is looked up (and the id taken out of it)
// before evicting, so the eviction cannot push the id out of G first.
type s3fifo struct {
	small, main          ring
	where                []uint8
	freq                 []uint8
	ghostSeq             []int64 // ghost insertion number of an id, -1 when not in G
	ghost                ring    // ids in ghost order; stale entries skipped
	ghostAt              []int64 // insertion number of each ghost ring entry (parallel to ghost)
	ghostNext, ghostLive int64
	capacity, smallCap   int
	ghostCap             int64
}

func newS3FIFO(distinct, capacity int) *s3fifo {
	small := max(capacity/10, 1)
	s := &s3fifo{small: newRing(small), main: newRing(capacity), where: make([]uint8, distinct),
		freq: make([]uint8, distinct), ghostSeq: make([]int64, distinct), ghost: newRing(capacity),
		capacity: capacity, smallCap: small, ghostCap: int64(max(capacity-small, 1))}
	for i := range s.ghostSeq {
		s.ghostSeq[i] = -1
	}
	return s
}

func (s *s3fifo) size() int { return s.small.len + s.main.len }

func (s *s3fifo) access(id int32) bool {
	if s.where[id] != s3None {
		s.freq[id] = min(s.freq[id]+1, 3)
		return true
	}
	ghosted := s.ghostSeq[id] >= 0
	if ghosted {
		s.ghostSeq[id] = -1
		s.ghostLive--
	}
	for s.size() >= s.capacity {
		if s.main.len > s.capacity-s.smallCap || s.small.len == 0 {
			s.evictMain()
		} else {
			s.evictSmall()
		}
	}
	s.freq[id] = 0
	if ghosted {
		s.main.push(id)
		s.where[id] = s3Main
	} else {
		s.small.push(id)
		s.where[id] = s3Small
	}
	return false
}

func (s *s3fifo) evictSmall() {
	for s.small.len > 0 {
		t := s.small.pop()
		if s.freq[t] > 1 {
			s.freq[t] = 0 // as libCacheSim: the copy in M starts at 0
			s.main.push(t)
			s.where[t] = s3Main
			continue
		}
		s.where[t] = s3None
		s.addGhost(t)
		return
	}
}

func (s *s3fifo) evictMain() {
	for s.main.len > 0 {
		t := s.main.pop()
		if s.freq[t] > 0 {
			s.freq[t]--
			s.main.push(t)
			continue
		}
		s.where[t] = s3None
		return
	}
}

// addGhost appends id to G, dropping G's oldest live ids beyond its size.
// An id leaving G early (a miss found it there) leaves a stale ring entry,
// recognised by its insertion number and skipped.
func (s *s3fifo) addGhost(id int32) {
	s.ghostSeq[id] = s.ghostNext
	s.ghost.push(id)
	s.ghostAt = append(s.ghostAt, s.ghostNext)
	s.ghostNext++
	s.ghostLive++
	for s.ghostLive > s.ghostCap {
		old := s.ghost.pop()
		at := s.ghostAt[0]
		s.ghostAt = s.ghostAt[1:]
		if s.ghostSeq[old] == at {
			s.ghostSeq[old] = -1
			s.ghostLive--
		}
	}
}

// Where an id is in arc.
const (
	arcNone uint8 = iota
	arcT1
	arcT2
	arcB1
	arcB2
)

// arc is ARC (Megiddo, Modha: "ARC: A Self-Tuning, Low Overhead
// Replacement Cache", FAST 2003), the algorithm of its Figure 4: LRU lists
// T1 (seen once recently) and T2 (seen at least twice) hold the cached
// items, ghost lists B1 and B2 remember as many evicted ids, and the
// target size p of T1 grows on a hit in B1 (by max(|B2|/|B1|, 1)) and
// shrinks on a hit in B2 (by max(|B1|/|B2|, 1)); REPLACE evicts T1's LRU
// into B1 when |T1| exceeds p (or equals it on a B2 hit), else T2's into B2.
type arc struct {
	links
	t1, t2, b1, b2 dlist
	where          []uint8
	p, c           int
}

func newARC(distinct, capacity int) *arc {
	return &arc{links: newLinks(distinct), t1: newDlist(), t2: newDlist(), b1: newDlist(), b2: newDlist(),
		where: make([]uint8, distinct), c: capacity}
}

func (a *arc) size() int { return a.t1.n + a.t2.n }

func (a *arc) list(w uint8) *dlist {
	switch w {
	case arcT1:
		return &a.t1
	case arcT2:
		return &a.t2
	case arcB1:
		return &a.b1
	}
	return &a.b2
}

func (a *arc) move(id int32, to uint8) {
	if w := a.where[id]; w != arcNone {
		a.remove(a.list(w), id)
	}
	a.where[id] = to
	if to != arcNone {
		a.pushHead(a.list(to), id)
	}
}

// replace is REPLACE(x, p): make room in T1 ∪ T2 by moving one LRU item to
// its ghost list.
func (a *arc) replace(inB2 bool) {
	if a.t1.n >= 1 && ((inB2 && a.t1.n == a.p) || a.t1.n > a.p) {
		a.move(a.t1.tail, arcB1)
	} else if a.t2.n >= 1 {
		a.move(a.t2.tail, arcB2)
	} else {
		a.move(a.t1.tail, arcB1)
	}
}

func (a *arc) access(id int32) bool {
	switch a.where[id] {
	case arcT1, arcT2: // case I
		a.move(id, arcT2)
		return true
	case arcB1: // case II
		a.p = min(a.c, a.p+max(a.b2.n/a.b1.n, 1))
		a.replace(false)
		a.move(id, arcT2)
		return false
	case arcB2: // case III
		a.p = max(0, a.p-max(a.b1.n/a.b2.n, 1))
		a.replace(true)
		a.move(id, arcT2)
		return false
	}
	// case IV
	l1 := a.t1.n + a.b1.n
	total := l1 + a.t2.n + a.b2.n
	switch {
	case l1 == a.c:
		if a.t1.n < a.c {
			a.move(a.b1.tail, arcNone)
			a.replace(false)
		} else {
			a.move(a.t1.tail, arcNone)
		}
	case l1 < a.c && total >= a.c:
		if total == 2*a.c {
			a.move(a.b2.tail, arcNone)
		}
		a.replace(false)
	}
	a.move(id, arcT1)
	return false
}
