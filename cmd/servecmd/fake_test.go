package servecmd

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/workload"
)

// fakeSession stands in for internal/diag: it counts what serve does with
// it. Its probes succeed at once; its snapshots are fixed.
type fakeSession struct {
	ops      [2]atomic.Int64 // database, redis
	inputs   atomic.Int64
	leaks    atomic.Int64
	closed   atomic.Bool
	closeErr error
	cache    *mapCache
	maxSize  int // the database pool's max size in snapshots; 0 = 10
}

func newFakeSession() *fakeSession { return &fakeSession{cache: &mapCache{m: map[uint64]bool{}}} }

func (s *fakeSession) Probes() []Probe {
	return []Probe{
		{Name: "database", Kind: "sqlite", Do: func(context.Context) error { s.ops[0].Add(1); return nil }},
		{Name: "redis", Kind: "redis", Do: func(context.Context) error { s.ops[1].Add(1); return nil }},
	}
}

func (s *fakeSession) Embedded() bool { return true }

func (s *fakeSession) Input(_ context.Context, maxLifetime time.Duration) report.Input {
	s.inputs.Add(1)
	snap := func(name, kind string, ops int64) pools.Snapshot {
		maxSize := 10
		if kind == "sqlite" && s.maxSize > 0 {
			maxSize = s.maxSize
		}
		return pools.Snapshot{Name: name, Kind: kind, Target: kind + "://embedded", MinSize: 1, MaxSize: maxSize,
			Total: 2, Active: 1, Idle: 1, AcquireCount: uint64(ops), Operations: uint64(ops), Reachable: true,
			Utilization: 0.7, Uptime: time.Second}
	}
	return report.Input{
		Now:      time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC),
		Duration: time.Second,
		Embedded: true,
		Targets: []report.Target{
			{Name: "database", Kind: "sqlite", URL: "sqlite:///tmp/resync.db", Reachable: true},
			{Name: "redis", Kind: "redis", URL: "redis://127.0.0.1:1/0", Reachable: true},
		},
		Pools: []report.PoolInput{
			{Snapshot: snap("database", "sqlite", s.ops[0].Load())},
			{Snapshot: snap("redis", "redis", s.ops[1].Load())},
		},
		Resources: resources.Stats{Active: 2, ByKind: map[string]resources.KindStats{"connection": {Created: 2, Active: 2}}},
		Leaks:     []resources.Leak{{Source: "tracker", Kind: "connection", ID: "1", Lifetime: 2 * maxLifetime, Severity: resources.SeverityWarning}},
	}
}

func (s *fakeSession) Leaks(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error) {
	s.leaks.Add(1)
	return report.LeakScan{Leaks: s.Input(ctx, maxLifetime).Leaks}, nil
}

func (s *fakeSession) Cache() workload.Cache { return s.cache }

func (s *fakeSession) Close(context.Context) error {
	s.closed.Store(true)
	return s.closeErr
}

// mapCache is a read-through cache keyed by the workload's integers.
type mapCache struct {
	mu      sync.Mutex
	m       map[uint64]bool
	lookups atomic.Int64
}

func (c *mapCache) Lookup(k uint64) bool {
	c.lookups.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *mapCache) Fill(k uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = true
}

func (c *mapCache) Stats() cache.Stats { return cache.Stats{} }
