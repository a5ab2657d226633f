package bench

// Pool benchmarks: acquire+release through resync's pool, jackc/puddle/v2 and
// database/sql's own pool, each over a trivial in-memory connection so the
// pool is what is measured. See README.md, "Pools", for the commands and
// results. Build with -tags resync_nometrics to measure resync's pool with
// its instrumentation compiled out.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/puddle/v2"
	"github.com/resync-dev/resync/pkg/pools"
)

// poolConns is the pool size; the contended case runs 4× as many
// goroutines.
const poolConns = 4

// noopConn is the trivial connection every pool hands out; not zero-sized,
// so that each one is a distinct pointer.
type noopConn struct{ _ int }

// --- resync ---

type noopConnector struct{}

func (noopConnector) Dial(context.Context) (*noopConn, error) { return &noopConn{}, nil }
func (noopConnector) Ping(context.Context, *noopConn) error   { return nil }
func (noopConnector) Close(*noopConn) error                   { return nil }

func newResync(b *testing.B) *pools.Pool[*noopConn] {
	p, err := pools.New("bench", "noop", pools.Connector[*noopConn](noopConnector{}), pools.Options{
		MinSize: poolConns, MaxSize: poolConns,
		ConnectTimeout: time.Minute, IdleTimeout: time.Hour, MaxLifetime: time.Hour,
		HealthCheckInterval: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// --- puddle ---

func newPuddle(b *testing.B) *puddle.Pool[*noopConn] {
	p, err := puddle.NewPool(&puddle.Config[*noopConn]{
		Constructor: func(context.Context) (*noopConn, error) { return &noopConn{}, nil },
		Destructor:  func(*noopConn) {},
		MaxSize:     poolConns,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	return p
}

// --- database/sql ---

var registerNoop sync.Once

type noopDriver struct{}
type noopSQLConn struct{}

func (noopDriver) Open(string) (driver.Conn, error) { return noopSQLConn{}, nil }
func (noopSQLConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("noop driver: no statements")
}
func (noopSQLConn) Close() error              { return nil }
func (noopSQLConn) Begin() (driver.Tx, error) { return nil, errors.New("noop driver: no transactions") }

func newSQL(b *testing.B) *sql.DB {
	registerNoop.Do(func() { sql.Register("resync-bench-noop", noopDriver{}) })
	db, err := sql.Open("resync-bench-noop", "")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(poolConns)
	db.SetMaxIdleConns(poolConns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// cycle is one acquire+release of a pool under test.
type cycle func(ctx context.Context) error

// newPool builds the named pool, warmed to its size so no benchmark pays
// for dials, and returns its cycle.
func newPool(b *testing.B, name string) cycle {
	ctx := context.Background()
	warm := func(acquire func() (func(), error)) {
		var rel []func()
		for range poolConns {
			f, err := acquire()
			if err != nil {
				b.Fatal(err)
			}
			rel = append(rel, f)
		}
		for _, f := range rel {
			f()
		}
	}
	switch name {
	case "resync":
		p := newResync(b)
		warm(func() (func(), error) { c, err := p.Acquire(ctx); return func() { c.Release() }, err })
		return func(ctx context.Context) error {
			c, err := p.Acquire(ctx)
			if err != nil {
				return err
			}
			c.Release()
			return nil
		}
	case "puddle":
		p := newPuddle(b)
		warm(func() (func(), error) { c, err := p.Acquire(ctx); return func() { c.Release() }, err })
		return func(ctx context.Context) error {
			c, err := p.Acquire(ctx)
			if err != nil {
				return err
			}
			c.Release()
			return nil
		}
	default:
		db := newSQL(b)
		warm(func() (func(), error) { c, err := db.Conn(ctx); return func() { _ = c.Close() }, err })
		return func(ctx context.Context) error {
			c, err := db.Conn(ctx)
			if err != nil {
				return err
			}
			return c.Close()
		}
	}
}

// poolOrder names the sub-benchmarks "pool=<name>", so that
// benchstat -col /pool puts the pools side by side.
var poolOrder = []string{"resync", "puddle", "database_sql"}

// BenchmarkPoolUncontended: one goroutine acquiring and releasing.
func BenchmarkPoolUncontended(b *testing.B) {
	ctx := context.Background()
	for _, name := range poolOrder {
		b.Run("pool="+name, func(b *testing.B) {
			f := newPool(b, name)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := f(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPoolContended: 4× more goroutines than connections, so most
// acquires wait for a release.
func BenchmarkPoolContended(b *testing.B) {
	ctx := context.Background()
	goroutines := 4 * poolConns
	par := max(1, (goroutines+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0))
	for _, name := range poolOrder {
		b.Run("pool="+name, func(b *testing.B) {
			f := newPool(b, name)
			b.ReportAllocs()
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := f(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPoolSnapshot: the cost of one Snapshot of a pool that has
// recorded a million checkouts (it copies three histograms under the lock).
func BenchmarkPoolSnapshot(b *testing.B) {
	p := newResync(b)
	ctx := context.Background()
	for range 1_000_000 {
		c, err := p.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c.Release()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if s := p.Snapshot(); s.AcquireCount < 1_000_000 {
			b.Fatal("lost checkouts")
		}
	}
}
