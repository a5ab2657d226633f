package sim

import "container/list"

// ExactLRUHits replays keys through a plain single-list LRU of capacity
// and returns its hit count: the reference the other paths are checked
// against.
func ExactLRUHits(keys []uint64, capacity int) int64 {
	l := list.New()
	m := make(map[uint64]*list.Element, capacity)
	var hits int64
	for _, k := range keys {
		if e, ok := m[k]; ok {
			hits++
			l.MoveToFront(e)
			continue
		}
		m[k] = l.PushFront(k)
		if l.Len() > capacity {
			old := l.Back()
			l.Remove(old)
			delete(m, old.Value.(uint64))
		}
	}
	return hits
}
