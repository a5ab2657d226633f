package monitor

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"

	_ "modernc.org/sqlite"
)

// fixedPool is a resync pool's snapshot without a server.
type fixedPool struct{ s pools.Snapshot }

func (p fixedPool) Snapshot() pools.Snapshot { return p.s }

// BenchmarkSample is the cost of one sampling interval on the service: read
// every source and build the report (scores, rules, health), for a monitor
// with 4 pools (two database/sql, two resync) and 4 caches.
func BenchmarkSample(b *testing.B) {
	m := New(Options{Interval: MaxInterval})
	defer m.Close()
	for i := range 2 {
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		m.RegisterSQLDB(fmt.Sprintf("db%d", i), db)
		m.RegisterPool(fmt.Sprintf("own%d", i), fixedPool{pools.Snapshot{
			Kind: "redis", MaxSize: 10, Active: 9, AcquireCount: 1000, Utilization: 0.95, PeakUtilization: 1,
			AcquireWaitMs: pools.Quantiles{P95: 120}, Uptime: time.Minute, Reachable: true,
		}})
	}
	for i := range 4 {
		c, err := cache.New(cache.Options[int, int]{MaxItems: 100})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		m.RegisterCache(fmt.Sprintf("cache%d", i), c)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.publish(m.sample())
	}
}
