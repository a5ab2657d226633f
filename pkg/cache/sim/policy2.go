package sim

// Where an id is in twoQ.
const (
	twoQNone uint8 = iota
	twoQIn         // A1in: resident, seen once
	twoQOut        // A1out: evicted from A1in, id remembered only
	twoQMain       // Am: resident, seen again after leaving A1in
)

// twoQ is the full 2Q (Johnson, Shasha: "2Q: A Low Overhead High
// Performance Buffer Management Replacement Algorithm", VLDB 1994,
// Section 2.1's "full version"): a FIFO A1in of new items, a FIFO A1out
// remembering the ids A1in evicted, and an LRU Am of items seen again
// after leaving A1in. A hit in A1in changes nothing; a hit in Am moves the
// item to Am's head. A miss on an id in A1out puts it in Am; any other
// miss puts it in A1in. To make room, A1in's tail goes to A1out when A1in
// holds more than Kin items, else Am's tail is evicted; A1out keeps its
// Kout newest ids. Kin is 25 % and Kout 50 % of the capacity, the paper's
// recommended tuning (and libCacheSim's defaults), each at least 1.
type twoQ struct {
	links
	in, out, main dlist
	where         []uint8
	capacity      int
	kin, kout     int
}

func newTwoQ(distinct, capacity int) *twoQ {
	return &twoQ{links: newLinks(distinct), in: newDlist(), out: newDlist(), main: newDlist(),
		where: make([]uint8, distinct), capacity: capacity,
		kin: max(capacity/4, 1), kout: max(capacity/2, 1)}
}

func (q *twoQ) size() int { return q.in.n + q.main.n }

func (q *twoQ) access(id int32) bool {
	switch q.where[id] {
	case twoQIn:
		return true
	case twoQMain:
		q.remove(&q.main, id)
		q.pushHead(&q.main, id)
		return true
	case twoQOut:
		q.remove(&q.out, id)
		q.reclaim()
		q.pushHead(&q.main, id)
		q.where[id] = twoQMain
		return false
	}
	q.reclaim()
	q.pushHead(&q.in, id)
	q.where[id] = twoQIn
	return false
}

// reclaim is the paper's reclaimfor: free one slot when the cache is full.
func (q *twoQ) reclaim() {
	if q.size() < q.capacity {
		return
	}
	if q.in.n > q.kin || q.main.n == 0 {
		y := q.in.tail
		q.remove(&q.in, y)
		q.pushHead(&q.out, y)
		q.where[y] = twoQOut
		if q.out.n > q.kout {
			old := q.out.tail
			q.remove(&q.out, old)
			q.where[old] = twoQNone
		}
		return
	}
	old := q.main.tail
	q.remove(&q.main, old)
	q.where[old] = twoQNone
}

// The states of an id in lirs.
const (
	lirsNone      uint8 = iota
	lirsLIR             // resident, low inter-reference recency
	lirsHIR             // resident, high inter-reference recency (on Q)
	lirsNonResHIR       // evicted, its recency still on the stack S
)

// lirs is LIRS (Jiang, Zhang: "LIRS: An Efficient Low Inter-reference
// Recency Set Replacement Policy to Improve Buffer Cache Performance",
// SIGMETRICS 2002, Section 3.3). The stack S holds LIR items and the
// recency of recent HIR ones (resident or not) and always has a LIR item
// at its bottom (pruning removes HIR entries from there). The queue Q holds
// the resident HIR items, 1 % of the capacity (at least one), the paper's
// setting; the rest are LIR. A hit on a LIR item moves it to the top of S;
// a hit on a HIR item in S makes it LIR and the bottom LIR item HIR (to the
// end of Q); a HIR item not in S stays HIR and goes to the top of S and the
// end of Q. A miss evicts Q's front (its entry stays in S as non-resident)
// and then treats the new item as a HIR access. Until the LIR set is full,
// every new item is LIR. At capacity 1 there is no LIR slot and LIRS is
// LRU over its one HIR slot. S is bounded to twice the capacity by dropping the
// oldest non-resident entries, as libCacheSim bounds it; the paper leaves
// that bound to the implementation.
type lirs struct {
	s      links // stack S: head is the top (most recent)
	qn     links // Q (resident HIR) and N (non-resident HIR in S), each id on one at most
	stack  dlist
	q, nr  dlist
	inS    []bool
	state  []uint8
	lirCap int
	hirCap int
	lirN   int
	maxS   int
}

func newLIRS(distinct, capacity int) *lirs {
	hir := max(capacity/100, 1)
	if capacity <= 1 {
		hir = capacity
	}
	return &lirs{s: newLinks(distinct), qn: newLinks(distinct), stack: newDlist(), q: newDlist(), nr: newDlist(),
		inS: make([]bool, distinct), state: make([]uint8, distinct),
		lirCap: capacity - hir, hirCap: hir, maxS: 2 * capacity}
}

func (l *lirs) size() int { return l.lirN + l.q.n }

// top moves or pushes id to the top of S.
func (l *lirs) top(id int32) {
	if l.inS[id] {
		l.s.remove(&l.stack, id)
	}
	l.s.pushHead(&l.stack, id)
	l.inS[id] = true
}

// prune removes HIR entries from the bottom of S until a LIR one is there;
// a non-resident entry so removed is forgotten.
func (l *lirs) prune() {
	for b := l.stack.tail; b != nilID && l.state[b] != lirsLIR; b = l.stack.tail {
		l.s.remove(&l.stack, b)
		l.inS[b] = false
		if l.state[b] == lirsNonResHIR {
			l.qn.remove(&l.nr, b)
			l.state[b] = lirsNone
		}
	}
}

// demoteBottom turns the LIR item at the bottom of S into a resident HIR
// item at the end of Q.
func (l *lirs) demoteBottom() {
	b := l.stack.tail
	l.s.remove(&l.stack, b)
	l.inS[b] = false
	l.state[b] = lirsHIR
	l.lirN--
	l.qn.pushHead(&l.q, b)
	l.prune()
}

func (l *lirs) access(id int32) bool {
	defer l.bound()
	switch l.state[id] {
	case lirsLIR:
		bottom := l.stack.tail == id
		l.top(id)
		if bottom {
			l.prune()
		}
		return true
	case lirsHIR:
		if l.inS[id] && l.lirCap > 0 {
			l.qn.remove(&l.q, id)
			l.promote(id)
		} else {
			l.top(id)
			l.qn.remove(&l.q, id)
			l.qn.pushHead(&l.q, id)
		}
		return true
	}
	if l.lirN < l.lirCap { // warm-up: the LIR set fills first
		if l.state[id] == lirsNonResHIR {
			l.qn.remove(&l.nr, id)
		}
		l.state[id] = lirsLIR
		l.lirN++
		l.top(id)
		return false
	}
	if l.size() >= l.lirCap+l.hirCap {
		l.evict()
	}
	if l.state[id] == lirsNonResHIR { // still in S: its new IRR is small
		l.qn.remove(&l.nr, id)
		if l.lirCap > 0 {
			l.promote(id)
			return false
		}
	}
	l.state[id] = lirsHIR
	l.top(id)
	l.qn.pushHead(&l.q, id)
	return false
}

// promote makes id (a HIR entry in S, off Q and N) LIR at the top of S and
// demotes the bottom LIR item.
func (l *lirs) promote(id int32) {
	l.state[id] = lirsLIR
	l.lirN++
	l.top(id)
	l.demoteBottom()
}

// evict frees the resident HIR item at Q's front; an entry still in S
// stays there as non-resident.
func (l *lirs) evict() {
	v := l.q.tail // never empty when the cache is full: at most lirCap items are LIR
	l.qn.remove(&l.q, v)
	if l.inS[v] {
		l.state[v] = lirsNonResHIR
		l.qn.pushHead(&l.nr, v)
		return
	}
	l.state[v] = lirsNone
}

// bound drops the oldest non-resident entries while S is over maxS.
func (l *lirs) bound() {
	for l.stack.n > l.maxS && l.nr.n > 0 {
		v := l.nr.tail
		l.qn.remove(&l.nr, v)
		l.s.remove(&l.stack, v)
		l.inS[v] = false
		l.state[v] = lirsNone
	}
}
