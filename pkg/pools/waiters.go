package pools

// waiter is one Acquire waiting for a connection. The pool hands it either a
// connection or an error through ch, always under the pool's lock and only
// after removing it from the queue, so a waiter that finds itself no longer
// queued (under the lock) knows ch holds its result. Waiters are recycled,
// which keeps the contended path free of allocations.
type waiter[C any] struct {
	ch       chan handoff[C]
	deadline int64 // mono ns: enqueue time + ConnectTimeout
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
