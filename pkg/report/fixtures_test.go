package report

import (
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/workload"
)

// plantedPassword appears in fixture URLs and error texts; no rendering
// may ever contain it.
const plantedPassword = "hunter2-S3cr3t"

var fixtureNow = time.Date(2026, 1, 15, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))

func goodCache() cache.Stats {
	return cache.Stats{
		Hits: 85500, Misses: 14500, Sets: 14500, Updates: 120, Deletes: 3, Evictions: 145, Expirations: 40,
		HitRate: 0.855, MissRate: 0.145, EvictionRate: 0.01, AvgGetNs: 85.4,
		Items: 9120, Bytes: 1183744, MaxItems: 100000, MaxBytes: 100 << 20,
		ItemUtilization: 0.0912, ByteUtilization: 0.01129,
	}
}

func goodPool() pools.Snapshot {
	return pools.Snapshot{
		Name: "database", Kind: "postgres", Target: "postgres://app:" + plantedPassword + "@db:5432/app",
		MinSize: 20, MaxSize: 100, Total: 20, Active: 12, Idle: 8,
		AcquireCount:  54000,
		AcquireWaitMs: pools.Quantiles{P50: 0.02, P95: 0.4, P99: 1.9, Max: 12, Mean: 0.1},
		HoldMs:        pools.Quantiles{P50: 1.1, P95: 2.5, P99: 4.2, Max: 30.5, Mean: 1.3},
		ConnectMs:     pools.Quantiles{P50: 3.2, P95: 6.1, P99: 7.7, Max: 8.0, Mean: 3.9},
		Created:       20, Operations: 54000,
		Utilization: 0.64, PeakUtilization: 0.78,
		Uptime: 10 * time.Second, Reachable: true,
	}
}

// healthyInput: everything within bounds.
func healthyInput() Input {
	lat := pools.Quantiles{P50: 1.2, P95: 2.8, P99: 4.9, Max: 31.0, Mean: 1.45}
	return Input{
		Now: fixtureNow, Duration: 10 * time.Second,
		Targets: []Target{{Name: "database", Kind: "postgres", URL: "postgres://app:" + plantedPassword + "@db:5432/app", Reachable: true}},
		Caches:  []CacheInput{{Name: "default", Stats: goodCache()}},
		Pools: []PoolInput{{Snapshot: goodPool(), LatencyMs: &lat, Throughput: 5400, LatencyHistogram: []workload.LatencyBin{
			{UpperMs: 0.5, Count: 0}, {UpperMs: 1, Count: 9400}, {UpperMs: 2.5, Count: 38000}, {UpperMs: 5, Count: 6000},
			{UpperMs: 10, Count: 480}, {UpperMs: 25, Count: 100}, {UpperMs: 50, Count: 20},
		}}},
		Resources: resources.Stats{Active: 12, ByKind: map[string]resources.KindStats{
			"postgres.conn": {Created: 20, Released: 8, Active: 12, PeakActive: 20, LifetimeP50: 0.0011, LifetimeP95: 0.0025, LifetimeP99: 0.0042},
		}},
	}
}

// degradedInput: the embedded default with a small cache and three pools
// that each trip rules; a few non-critical leaks.
func degradedInput() Input {
	c := goodCache()
	c.Hits, c.Misses, c.HitRate, c.MissRate = 62000, 38000, 0.62, 0.38
	c.Evictions, c.EvictionRate = 4100, 0.2812
	c.Items, c.MaxItems, c.ItemUtilization = 10000, 10000, 1
	c.Bytes, c.MaxBytes, c.ByteUtilization = 9<<20, 10<<20, 0.9

	db := goodPool()
	db.Kind, db.Target = "sqlite", "sqlite:///tmp/resync-123/embedded.db"
	db.MinSize, db.MaxSize, db.Active, db.Idle, db.Waiting, db.PeakWaiting = 4, 32, 32, 0, 6, 40
	db.Utilization, db.PeakUtilization, db.Exhaustions = 0.93, 1, 1200
	db.AcquireWaitMs = pools.Quantiles{P50: 0.5, P95: 35.2, P99: 88.1, Max: 140, Mean: 4.2}

	rd := goodPool()
	rd.Name, rd.Kind, rd.Target = "redis", "redis", "redis://:"+plantedPassword+"@127.0.0.1:41234/0"
	rd.MinSize, rd.MaxSize, rd.Active, rd.Idle, rd.Total = 5, 20, 0, 5, 5
	rd.Utilization, rd.PeakUtilization = 0.05, 0.15

	web := goodPool()
	web.Name, web.Kind, web.Target = "http", "http", "http://127.0.0.1:41235/health?token="+plantedPassword
	web.MinSize, web.MaxSize, web.Active, web.Idle, web.Total = 2, 100, 40, 2, 42
	web.Utilization, web.PeakUtilization = 0.45, 0.6
	web.AcquireWaitMs = pools.Quantiles{P50: 12, P95: 150.5, P99: 210, Max: 480, Mean: 40}
	web.ConnectMs = pools.Quantiles{P50: 95, P95: 140, P99: 170, Max: 180, Mean: 99}
	web.Errors = pools.ErrorCounts{Operation: 120}

	dbLat := pools.Quantiles{P50: 0.41, P95: 36.9, P99: 90.3, Max: 142.7, Mean: 4.6}
	leakTime := fixtureNow.Add(-90 * time.Minute)
	return Input{
		Now: fixtureNow, Duration: 3*time.Second + 4*time.Millisecond, Embedded: true,
		Targets: []Target{
			{Name: "database", Kind: "sqlite", URL: db.Target, Reachable: true},
			{Name: "redis", Kind: "redis", URL: rd.Target, Reachable: true},
			{Name: "http", Kind: "http", URL: web.Target, Reachable: true},
		},
		Caches: []CacheInput{{Name: "default", Stats: c, Advice: CacheAdvice{CapacityForTarget: 24000}}},
		Pools: []PoolInput{
			{Snapshot: db, LatencyMs: &dbLat, Throughput: 2150.55},
			{Snapshot: rd},
			{Snapshot: web, Throughput: 310},
		},
		Resources: resources.Stats{Active: 45, ByKind: map[string]resources.KindStats{
			"sqlite.conn": {Created: 40, Released: 8, Active: 32, PeakActive: 32, LifetimeP50: 0.5, LifetimeP95: 1.25, LifetimeP99: 2},
			"file":        {Created: 13, Released: 0, Active: 13, PeakActive: 13},
		}},
		Leaks: []resources.Leak{
			{Source: "tracker", Kind: "file", ID: "17", Owner: "export-job", Created: leakTime, Lifetime: 90 * time.Minute,
				Severity: resources.SeverityWarning, Stack: "main.export()\n\t/src/export.go:42"},
			{Source: "tracker", Kind: "sqlite.conn", ID: "3", Owner: "workload", Created: fixtureNow.Add(-75 * time.Minute),
				Seconds: 4500, Severity: resources.SeverityInfo, Resolved: true},
		},
	}
}

// criticalInput: an interrupted run with an unreachable target (its URL and
// error carry a password), a failing pool, a pool whose target refused
// every operation for two seconds (an outage window, though its error rate
// is about 1 %) and a session idle in transaction.
func criticalInput() Input {
	in := healthyInput()
	in.Partial = true
	in.Duration = 4200 * time.Millisecond
	in.Pools[0].Snapshot.Errors = pools.ErrorCounts{Dial: 580}
	in.Pools[0].Series = []workload.Point{
		{Second: 0, Ops: 14000, MeanMs: 1.4}, {Second: 1, Ops: 300, Errors: 300, MeanMs: 0.2},
		{Second: 2, Ops: 280, Errors: 280, MeanMs: 0.2}, {Second: 3, Ops: 13500, MeanMs: 1.5},
		{Second: 4, Ops: 2900, MeanMs: 1.4},
	}
	badURL := "mysql://root:" + plantedPassword + "@10.0.0.9:3306/app"
	in.Targets = append(in.Targets, Target{Name: "orders", Kind: "mysql", URL: badURL, Reachable: false,
		Error: "dial " + badURL + ": connect: connection refused"})
	failing := goodPool()
	failing.Name, failing.Kind, failing.Target = "orders", "mysql", badURL
	failing.AcquireCount, failing.Operations, failing.Active, failing.Idle, failing.Total = 0, 0, 0, 0, 0
	failing.Utilization, failing.PeakUtilization = 0, 0
	failing.Errors = pools.ErrorCounts{Dial: 57}
	failing.AcquireWaitMs, failing.HoldMs, failing.ConnectMs = pools.Quantiles{}, pools.Quantiles{}, pools.Quantiles{}
	failing.Created = 0
	failing.Reachable = false
	failing.LastError = "dial tcp 10.0.0.9:3306 (" + badURL + "): connection refused"
	in.Pools = append(in.Pools, PoolInput{Snapshot: failing})
	in.Leaks = []resources.Leak{{
		Source: "database", Kind: "idle_in_transaction", ID: "4242", Owner: "billing-worker",
		Created: fixtureNow.Add(-2 * time.Hour), Seconds: 7200, Severity: resources.SeverityCritical,
		Evidence: map[string]string{
			"state": "idle in transaction", "client_addr": "10.1.2.3",
			"query": "UPDATE accounts SET password='" + plantedPassword + "' WHERE id = 7 | x",
		},
	}}
	return in
}

// observeInput: observe mode on a PostgreSQL server (a buffer cache scored
// without the parts the source lacks, busy connections) and a quiet MariaDB
// whose buffer pool and connections saw no traffic.
func observeInput() Input {
	pgURL := "postgres://app:" + plantedPassword + "@db:5432/app"
	return Input{
		Now: fixtureNow, Duration: 60 * time.Second, Mode: ModeObserve,
		Targets: []Target{
			{Name: "database", Kind: "postgres", URL: pgURL, Reachable: true},
			{Name: "database2", Kind: "mysql", URL: "mysql://root@db2:3306/app", Reachable: true},
		},
		Caches: []CacheInput{
			{Name: "database/buffer_cache", Stats: cache.Stats{Hits: 9120, Misses: 880, HitRate: 0.912, MissRate: 0.088,
				Bytes: 128 << 20, MaxBytes: 128 << 20, ByteUtilization: 1},
				Observed: &Observed{Source: SourcePostgres, Missing: []string{MetricEvictionRate, MetricMemoryEfficiency}}},
			{Name: "database2/buffer_pool", Stats: cache.Stats{Items: 301, Bytes: 301 * 16384, MaxBytes: 128 << 20, ByteUtilization: 0.0367},
				Observed: &Observed{Source: SourceMySQL, Missing: []string{MetricEvictionRate, MetricHitRate, MetricMemoryEfficiency}, NoTraffic: true}},
		},
		Pools: []PoolInput{
			{Snapshot: pools.Snapshot{Name: "database/connections", Kind: "postgres", Target: pgURL, MaxSize: 97, Total: 40, Active: 12, Idle: 28,
				AcquireCount: 35, Utilization: 0.41, PeakUtilization: 0.45, Reachable: true},
				Observed: &Observed{Source: SourcePostgres, Missing: []string{MetricAcquireWait}, Ceiling: true, CounterResets: 1}},
			{Snapshot: pools.Snapshot{Name: "database2/connections", Kind: "mysql", Target: "mysql://root@db2:3306/app", MaxSize: 151, Reachable: true},
				Observed: &Observed{Source: SourceMySQL, Missing: []string{MetricAcquireWait, MetricErrorRate}, Ceiling: true, NoTraffic: true}},
		},
	}
}

// emptyInput: nothing configured, nothing measured.
func emptyInput() Input { return Input{Now: fixtureNow} }

// fixtures are the named inputs of the golden, schema and redaction tests.
var fixtures = []struct {
	name string
	in   func() Input
}{
	{"healthy", healthyInput},
	{"degraded", degradedInput},
	{"critical", criticalInput},
	{"empty", emptyInput},
	{"observe", observeInput},
}

// benchInput is a realistic large report: 3 pools, 1 cache, 50 leaks and
// about 20 recommendations.
func benchInput() Input {
	in := degradedInput()
	in.Caches[0].Stats.HitRate = 0.42
	for i := range in.Pools {
		s := &in.Pools[i].Snapshot
		s.Exhaustions = 900
		s.Errors = pools.ErrorCounts{Dial: 2000, Operation: 4000}
		s.Utilization = 0.95
		s.AcquireWaitMs.P95 = 180
	}
	in.Leaks = nil
	for i := range 50 {
		in.Leaks = append(in.Leaks, resources.Leak{
			Source: "tracker", Kind: "sqlite.conn", ID: fmt.Sprint(i), Owner: "workload",
			Created: fixtureNow.Add(-time.Duration(i+60) * time.Minute), Seconds: float64((i + 60) * 60),
			Severity: resources.Severity([]string{"info", "warning", "critical"}[i%3]),
			Evidence: map[string]string{"state": "held", "query": "SELECT 1"},
		})
	}
	return in
}
