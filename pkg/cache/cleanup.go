package cache

import (
	"sync"
	"time"
)

// cleanupLoop sweeps expired entries every interval until Close.
func (c *Cache[K, V]) cleanupLoop(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.sweep()
		}
	}
}

// sweep removes the expired entries of every shard, with at most
// MaxWorkers goroutines, and returns how many it removed.
func (c *Cache[K, V]) sweep() int {
	work := make(chan int, len(c.shards))
	for i := range c.shards {
		work <- i
	}
	close(work)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for range min(c.workers, len(c.shards)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				n := c.sweepShard(&c.shards[i])
				mu.Lock()
				total += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}

func (c *Cache[K, V]) sweepShard(s *shard[K, V]) int {
	now := c.now()
	s.mu.Lock()
	gone := s.removeIf(func(n *node[K, V]) bool { return c.expired(n.expireAt.Load(), now) })
	for _, n := range gone {
		n.markRemoved()
		s.count.Add(-1)
		s.bytes.Add(-n.size())
	}
	s.mu.Unlock()
	if len(gone) == 0 {
		return 0
	}
	c.expirations.Add(uint64(len(gone)))
	c.afterWrite(gone...)
	if c.onEvict != nil {
		for _, n := range gone {
			c.onEvict(n.key, n.load(c.valueMode), EvictExpired)
		}
	}
	return len(gone)
}
