package cache

import (
	"context"
	"fmt"
	"sync/atomic"
)

// call is one GetOrLoad load in flight for a key.
type call[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int // guarded by the shard's loadMu
	cancel  context.CancelFunc
	// stale: a Set or Delete of the key came while the load ran, so its
	// value is older than what the cache holds and is not stored.
	stale atomic.Bool
}

// loadScope cancels every load when the cache closes.
type loadScope struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (l *loadScope) init()      { l.ctx, l.cancel = context.WithCancel(context.Background()) }
func (l *loadScope) cancelAll() { l.cancel() }

// GetOrLoad returns the value under key, calling loader to produce it when
// it is missing or expired. Concurrent callers for the same key share one
// load: loader runs once, its value is stored with the default TTL and
// returned to all of them. A failed load is not cached; its error goes to
// every caller waiting for it. A Set or Delete of the key made while the
// load runs wins: the load's value still goes to its callers but is not
// stored over it. The load runs on its own goroutine with a
// context that keeps ctx's values but not its cancellation: a caller whose
// ctx ends gets ctx.Err() at once while the others keep waiting; only when
// every waiting caller has gone is the load's context cancelled. A panic in
// loader is returned as an error.
func (c *Cache[K, V]) GetOrLoad(ctx context.Context, key K, loader func(ctx context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	var zero V
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	h := c.hasher.hash(key)
	s := c.shardOf(h)
	s.loadMu.Lock()
	cl := s.loads[key]
	if cl == nil {
		// A load may have finished between our Get and the lock.
		if n := s.find(h, key); n != nil && !c.expired(n.expireAt.Load(), c.now()) {
			s.loadMu.Unlock()
			return n.load(c.valueMode), nil
		}
		cl = c.startLoad(ctx, s, key, loader)
	}
	cl.waiters++
	s.loadMu.Unlock()

	select {
	case <-cl.done:
		return cl.val, cl.err
	case <-ctx.Done():
		s.loadMu.Lock()
		cl.waiters--
		if cl.waiters == 0 {
			select {
			case <-cl.done:
			default:
				// Nobody waits any more: stop the load, and let the next
				// caller start afresh rather than join a cancelled one.
				// Dropped as stale: the loader may be past its context
				// check already, and a Set that comes after we return
				// must not be overwritten by it (the Set finds no load
				// to supersede once this one is forgotten).
				s.dropLoadLocked(key, cl)
				cl.cancel()
			}
		}
		s.loadMu.Unlock()
		return zero, ctx.Err()
	}
}

// startLoad registers and starts a load. The caller holds s.loadMu.
func (c *Cache[K, V]) startLoad(ctx context.Context, s *shard[K, V], key K, loader func(context.Context) (V, error)) *call[V] {
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(c.loadCtx.ctx, cancel)
	cl := &call[V]{done: make(chan struct{}), cancel: cancel}
	if s.loads == nil {
		s.loads = make(map[K]*call[V])
	}
	s.loads[key] = cl
	s.nloads.Add(1)
	c.loads.Add(1)
	go func() {
		defer c.loads.Done()
		defer cancel()
		defer stop()
		v, err := runLoader(lctx, key, loader)
		// A load nobody waits for any more (every caller left, or the
		// cache is closing) does not store, nor does one that a Set or
		// Delete of the key overtook (checked under the shard's write
		// lock, see supersede).
		if err == nil && lctx.Err() == nil {
			c.set(key, v, 0, &cl.stale)
		}
		s.loadMu.Lock()
		s.forgetLoadLocked(key, cl)
		cl.val, cl.err = v, err
		close(cl.done)
		s.loadMu.Unlock()
	}()
	return cl
}

func runLoader[K comparable, V any](ctx context.Context, key K, loader func(context.Context) (V, error)) (v V, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cache: loader for key %v panicked: %v", key, r)
		}
	}()
	return loader(ctx)
}

// forgetLoadLocked unregisters cl, if it is still the load of key. The
// caller holds s.loadMu.
func (s *shard[K, V]) forgetLoadLocked(key K, cl *call[V]) {
	if s.loads[key] == cl {
		delete(s.loads, key)
		s.nloads.Add(-1)
	}
}

// dropLoadLocked marks cl, the load of key, as stale, so that it stores
// nothing, and unregisters it, so that a GetOrLoad from now on starts its
// own load rather than join one that read an older value; the callers
// already waiting still get cl's value. The caller holds s.loadMu.
func (s *shard[K, V]) dropLoadLocked(key K, cl *call[V]) {
	cl.stale.Store(true)
	s.forgetLoadLocked(key, cl)
}

// supersede drops the load of key in flight, if any, before a Set or
// Delete of key writes. Marking comes first and the load checks under the
// shard's write lock, so either the load stored before the write (which
// then replaces it) or it sees the mark.
func (s *shard[K, V]) supersede(key K) {
	if s.nloads.Load() == 0 {
		return
	}
	s.loadMu.Lock()
	if cl := s.loads[key]; cl != nil {
		s.dropLoadLocked(key, cl)
	}
	s.loadMu.Unlock()
}

// supersedeAll drops every load in flight in s, before Clear.
func (s *shard[K, V]) supersedeAll() {
	if s.nloads.Load() == 0 {
		return
	}
	s.loadMu.Lock()
	for key, cl := range s.loads {
		s.dropLoadLocked(key, cl)
	}
	s.loadMu.Unlock()
}
