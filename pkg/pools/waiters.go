package pools

import (
	"sync/atomic"
	"time"
)

// waiter is one Acquire waiting for a connection. The pool hands it either a
// connection or an error through ch, always under the pool's lock and only
// after removing it from the queue, so a waiter that finds itself no longer
// queued (under the lock) knows ch holds its result. Waiters are recycled,
// which keeps the contended path free of allocations.
type waiter[C any] struct {
	ch chan handoff[C]
	// deadline is the enqueue time + ConnectTimeout, mono ns. The waiter
	// usually stores it just after queueing, outside the lock (see
	// acquireSlow), so 0 means "queued a moment ago".
	deadline atomic.Int64
}

// expiredBy reports whether w's ConnectTimeout passed by now.
func (w *waiter[C]) expiredBy(now int64) bool {
	d := w.deadline.Load()
	return d != 0 && d <= now
}

// deadlineAfter is w's deadline, or, while w has not stored it yet, the
// latest it can be: now + timeout.
func (w *waiter[C]) deadlineAfter(now int64, timeout time.Duration) int64 {
	if d := w.deadline.Load(); d != 0 {
		return d
	}
	return now + int64(timeout)
}

type handoff[C any] struct {
	conn *Conn[C]
	err  error
}

// queue is a FIFO ring of waiters.
type queue[C any] struct {
	buf        []*waiter[C]
	head, size int
}

func (q *queue[C]) len() int { return q.size }

func (q *queue[C]) push(w *waiter[C]) {
	if q.size == len(q.buf) {
		grown := make([]*waiter[C], max(8, 2*len(q.buf)))
		for i := range q.size {
			grown[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = w
	q.size++
}

func (q *queue[C]) peek() *waiter[C] {
	if q.size == 0 {
		return nil
	}
	return q.buf[q.head]
}

func (q *queue[C]) pop() *waiter[C] {
	if q.size == 0 {
		return nil
	}
	w := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return w
}

// remove takes w out of the queue, keeping the others in order, and reports
// whether it was there.
func (q *queue[C]) remove(w *waiter[C]) bool {
	n := len(q.buf)
	for i := range q.size {
		if q.buf[(q.head+i)%n] != w {
			continue
		}
		for j := i; j < q.size-1; j++ {
			q.buf[(q.head+j)%n] = q.buf[(q.head+j+1)%n]
		}
		q.buf[(q.head+q.size-1)%n] = nil
		q.size--
		return true
	}
	return false
}

// recycle returns a waiter that left the queue to the pool of waiters, its
// deadline cleared for the next Acquire.
func (p *Pool[C]) recycle(w *waiter[C]) {
	w.deadline.Store(0)
	p.waiterP.Put(w)
}
