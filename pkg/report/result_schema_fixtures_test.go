package report

import (
	"time"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/cache/sim"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload"
	"github.com/resync-dev/resync/pkg/workload/sizing"
	"github.com/resync-dev/resync/pkg/workload/usl"
)

// The fixtures below complement the commands' golden files
// (cmd/*/testdata) with the optional fields those leave out, so that the
// schema validations exercise every documented field.

// poolStatsFixture: the degraded report's pools, an open-model workload
// with service times, error samples, clamped latencies and a cache, and a
// closed-model one.
func poolStatsFixture() *PoolStats {
	in := degradedInput()
	in.Embedded, in.Leaks, in.Resources = false, nil, resources.Stats{}
	in.Caches[0].Name = "database"
	started := fixtureNow.Add(-4 * time.Second)
	lat := workload.Quantiles{P50: 0.41, P90: 20.2, P95: 36.9, P99: 90.3, P999: 130.1, Max: 142.7, Mean: 4.6}
	svc := workload.Quantiles{P50: 0.38, P90: 18.0, P95: 30.5, P99: 80.2, P999: 120.9, Max: 140.1, Mean: 4.1}
	open := &workload.Result{
		Name: "database", Model: workload.ModelOpen, Concurrency: 32, Rate: 2200,
		Started: started, WarmupS: 1, ElapsedS: 3.004,
		Operations: 6460, Succeeded: 6455, Throughput: 2150.55,
		Errors:       workload.ErrorCounts{Timeout: 4, Other: 1},
		ErrorSamples: map[string]string{"timeout": "context deadline exceeded", "other": "database is locked"},
		ErrorRate:    5.0 / 6460,
		Latency:      lat, ServiceTime: &svc, Late: 12, Dropped: 3, Clamped: 1,
		Series: []workload.Point{{Second: 0, Ops: 2100, Errors: 2, MeanMs: 4.4}, {Second: 1, Ops: 2180, MeanMs: 4.7},
			{Second: 2, Ops: 2180, Errors: 3, MeanMs: 4.8}},
		Cache: &workload.CacheResult{Keys: 10000, Dist: workload.KeyDist{Kind: "hotset", S: 1.1, HotFraction: 0.2, HotShare: 0.8},
			Hits: 4000, Misses: 2460, HitRate: 4000.0 / 6460, Stats: cache.Stats{
				Hits: 4100, Misses: 2500, Sets: 2500, Evictions: 10, HitRate: 4100.0 / 6600, MissRate: 2500.0 / 6600,
				EvictionRate: 0.004, AvgGetNs: 310, Items: 2490, Bytes: 250000, MaxItems: 10000, MaxBytes: 100 << 20,
				ItemUtilization: 0.249, ByteUtilization: 250000.0 / (100 << 20)}},
		Scripts: []workload.ScriptResult{
			{Name: "checkout.sql", Weight: 1, Runs: 1610, Failed: 2, Statements: []workload.StatementResult{
				{Line: 2, SQL: "BEGIN", Count: 1610, MeanMs: 0.05, P99Ms: 0.2},
				{Line: 3, SQL: "INSERT INTO orders (item) VALUES (:item)", Count: 1608, MeanMs: 2.1, P99Ms: 40.3},
				{Line: 4, SQL: "COMMIT", Count: 1608, MeanMs: 1.2, P99Ms: 9.8}}},
			{Name: "browse.sql", Weight: 3, Runs: 4850, Failed: 3, Statements: []workload.StatementResult{
				{Line: 2, SQL: "SELECT * FROM items WHERE id = :id", Count: 4847, MeanMs: 0.3, P99Ms: 2.5}}},
		},
	}
	closed := &workload.Result{
		Name: "redis", Model: workload.ModelClosed, Concurrency: 32, Started: started, ElapsedS: 3,
		Operations: 900, Succeeded: 900, Throughput: 300,
		Latency: workload.Quantiles{P50: 0.2, P90: 0.3, P95: 0.35, P99: 0.5, P999: 0.9, Max: 1.2, Mean: 0.22},
		Series:  []workload.Point{{Second: 0, Ops: 300, MeanMs: 0.2}, {Second: 1, Ops: 300, MeanMs: 0.22}, {Second: 2, Ops: 300, MeanMs: 0.24}},
		Partial: true,
	}
	ps := &PoolStats{Report: Build(in), Workload: map[string]*workload.Result{"database": open, "redis": closed},
		Concurrency: 32, Rate: 2200, Warmup: time.Second}
	ps.CheckThresholds(mustThresholds("database.p99<50ms", "*.hit_rate>90%", "nope.score>1"))
	return ps
}

// mustThresholds parses fixture thresholds.
func mustThresholds(exprs ...string) []threshold.Threshold {
	ts, err := threshold.ParseAll(exprs, "fixture")
	if err != nil {
		panic(err)
	}
	return ts
}

// sizingFixture: an interrupted sweep capped by the server limit with a
// failed step and notes; a pool whose fit failed and has no
// recommendation; an unreachable target.
func sizingFixture() *Sizing {
	res := &sizing.Result{
		Name: "database", Kind: "postgres", Target: "postgres://app:***@db:5432/app",
		ConfiguredMax: 100, SweepMax: 16, Concurrency: 32, StepSeconds: 1.5, WaitP99Ms: 50,
		Steps: []sizing.Step{
			{Size: 1, Phase: sizing.PhaseSweep, Runs: 1, Throughput: 800, LatencyP50Ms: 1.2, LatencyP99Ms: 40, AcquireWaitP99Ms: 38,
				AcquireWaitMeanMs: 19, HoldMeanMs: 1.2, Utilization: 1, Operations: 1200},
			{Size: 2, Phase: sizing.PhaseSweep, Runs: 1, Throughput: 1500, LatencyP50Ms: 1.3, LatencyP99Ms: 21, AcquireWaitP99Ms: 19,
				AcquireWaitMeanMs: 9, HoldMeanMs: 1.3, Utilization: 0.99, Operations: 2250, Errors: 3, ErrorRate: 3.0 / 2250, Gain: 0.875},
			{Size: 3, Phase: sizing.PhaseRefine, Runs: 2, Throughput: 1900, LatencyP50Ms: 1.4, LatencyP99Ms: 15, AcquireWaitP99Ms: 12,
				AcquireWaitMeanMs: 6, HoldMeanMs: 1.4, Utilization: 0.97, Operations: 2850},
			{Size: 4, Phase: sizing.PhaseSweep, Runs: 1, Error: "pool did not open: too many connections for role \"app\""},
			{Size: 5, Phase: sizing.PhaseRefine, Runs: 1, Operations: 10, Errors: 10, ErrorRate: 1,
				Refused: "FATAL: sorry, too many clients already (SQLSTATE 53300)"},
		},
		StopReason:     "interrupted",
		PeakThroughput: 1900, PeakSize: 3,
		Fit:          &sizing.Fit{Model: usl.Model{Lambda: 810, Sigma: 0.05, Kappa: 0, R2: 0.991}},
		ExpectedRate: 1000,
		Checks: []sizing.Check{{Size: 3, Rate: 1000, Throughput: 998, LatencyP99Ms: 80, AcquireWaitP99Ms: 61, AcquireWaitMeanMs: 4,
			HoldMeanMs: 1.4, Utilization: 0.47, Late: 5, Dropped: 2, ErrorRate: 0.001, Passed: false}},
		Limit:     &sizing.Limit{Max: 97, InUse: 1, Margin: 5, Source: "max_connections 100 − superuser_reserved_connections 3"},
		Instances: 8, Budget: 11,
		Refusal:    &sizing.Refusal{Size: 5, Message: "FATAL: sorry, too many clients already (SQLSTATE 53300)"},
		Warnings:   []string{"the server refused connections at size 5 (FATAL: sorry, too many clients already (SQLSTATE 53300)): other clients may have been refused too"},
		Confidence: "low",
		Recommendation: &sizing.Recommendation{Max: 12, Min: 0, WaitMet: false, Capped: true, Uncapped: 16, DecidedBy: "server-limit",
			MaxReason: "the server's 97 connections shared by 8 instances allow 12 each",
			MinReason: "no wait check passed"},
		Partial: true,
	}
	failed := &sizing.Result{
		Name: "redis", Kind: "redis", Target: "redis://cache:6379/0",
		ConfiguredMax: 20, SweepMax: 20, Concurrency: 40, StepSeconds: 1.5, WaitP99Ms: 50,
		Steps:      []sizing.Step{{Size: 1, Phase: sizing.PhaseSweep, Runs: 1, Error: "no operation completed"}},
		StopReason: "no step completed", FitError: "too few sizes to fit (0 of at least 3)",
		Checks: []sizing.Check{}, Instances: 1, Warnings: []string{}, Confidence: "high",
	}
	out := BuildSizing(fixtureNow, true, []SizingInput{
		{Target: Target{Name: "database", Kind: "postgres", URL: res.Target, Reachable: true},
			ConfiguredMin: 20, ConfiguredMax: 100, Notes: []string{"the step at size 4 failed: see its error"}, Result: res},
		{Target: Target{Name: "redis", Kind: "redis", URL: failed.Target, Reachable: true}, ConfiguredMin: 5, ConfiguredMax: 20, Result: failed},
		{Target: Target{Name: "http", Kind: "http", URL: "http://api:8080/", Reachable: false, Error: "dial tcp: connection refused"}},
	})
	out.CheckThresholds(mustThresholds("*.acquire_p99<100ms"))
	return out
}

// leaksFixture: three --watch samples of one Redis whose "worker" group
// grows (a growth leak), with client groups, states and a capacity note,
// and a PostgreSQL target whose capacity is over its usable slots and
// whose idle-in-transaction session heads a blocking chain.
func leaksFixture() *Leaks {
	t0 := fixtureNow.UTC()
	sample := func(i int) *inspect.Result {
		return &inspect.Result{
			Name: "redis", Kind: inspect.KindRedis, URL: "redis://cache:6379/0", Reachable: true, Server: "7.2.4", User: "default",
			SampledAt: t0.Add(time.Duration(i) * 20 * time.Second), Connections: 10 + 5*i, Threshold: 3600, Severity: resources.SeverityInfo,
			Clients: []inspect.Group{
				{Application: "worker", User: "default", Client: "10.0.5.9", Count: 3 + 5*i, OldestSeconds: 30, MaxIdleSeconds: 2,
					States: map[string]int{"idle": 3 + 5*i}, Severity: resources.SeverityInfo},
				{Application: "", Client: "local", Count: 1, OldestSeconds: -1, Severity: resources.SeverityInfo, Note: "pubsub"},
			},
			LongLived: []inspect.Group{},
			Own:       []inspect.Group{{Application: "resync", Client: "10.0.9.1", Count: 1, OldestSeconds: 0.2, Own: true, Severity: resources.SeverityInfo}},
			Capacity:  &inspect.Capacity{Used: 10 + 5*i, Max: 10000, Available: 9990 - 5*i, Ratio: float64(10+5*i) / 10000, Note: "maxclients"},
			Findings:  []inspect.Finding{},
		}
	}
	pg := &inspect.Result{
		Name: "database", Kind: inspect.KindPostgres, URL: "postgres://postgres@127.0.0.1:5432/test", Reachable: true,
		Server: "16.2", User: "postgres", SampledAt: t0.Add(40 * time.Second), Connections: 99, Threshold: 3600,
		Severity: resources.SeverityCritical,
		Leaks: []resources.Leak{{Source: "database", Kind: inspect.LeakIdleInTransaction, ID: "77", Owner: "psql",
			Created: t0.Add(-2 * time.Hour), Seconds: 7200, Severity: resources.SeverityCritical, Resolved: true,
			Stack: "not from a server, but documented", Evidence: map[string]string{"state": "idle in transaction"}}},
		Capacity: &inspect.Capacity{Used: 99, Max: 100, Reserved: 3, Available: -2, Ratio: 99.0 / 97},
		Blocking: []inspect.BlockChain{{HeadPID: 77, HeadApplication: "psql", HeadUser: "postgres",
			HeadState: "idle in transaction", HeadXactSeconds: 7200, Blocked: []int{81, 82}, MaxWaitSeconds: 12.5}},
		LongRunning: []inspect.LongSession{{PID: 90, Application: "etl", User: "batch", Client: "10.0.0.4:5123",
			State: "active", XactSeconds: 7300, QuerySeconds: 7300, Query: "SELECT ?", LongXact: true, LongQuery: true}},
		Holders: []inspect.Holder{{By: "application", Name: "api", Count: 60, Share: 60.0 / 97}},
		Outliers: []inspect.Outlier{{ClientID: "12", Application: "worker", Client: "10.0.0.5:40000",
			Reason: inspect.FindingOutputBuffer, IdleSeconds: 0, GroupMedianIdle: 0, GroupSize: 3, OutputBufferBytes: 2 << 20}},
		Findings: []inspect.Finding{{Severity: resources.SeverityCritical, Code: inspect.FindingCapacity,
			Message: "99 of 97 usable connection slots in use (102%)"}},
	}
	return BuildLeaks(t0, time.Hour, 40*time.Second, true, [][]*inspect.Result{{sample(0), sample(1), sample(2)}, {pg}})
}

// simulationFixture: an interrupted TTL replay (rate, expirations) that
// did not reach its target.
func simulationFixture() *Simulation {
	res := &sim.Result{Requests: 1000, DistinctKeys: 400, MaxHitRate: 0.6, Method: sim.MethodReplay, TargetHitRate: 0.7,
		Points: []sim.Point{
			{Capacity: 50, Hits: 200, Misses: 800, Sets: 800, Evictions: 700, Expirations: 50, HitRate: 0.2, EvictionRate: 0.875, OptimalHitRate: 0.35,
				Policies: []sim.PolicyHitRate{{Policy: sim.PolicySIEVE, Hits: 250, HitRate: 0.25}}},
			{Capacity: 200, Hits: 450, Misses: 550, Sets: 550, Evictions: 300, Expirations: 60, HitRate: 0.45, EvictionRate: 300.0 / 550, OptimalHitRate: 0.52},
		}}
	s := BuildSimulation("zipf s=1.1, 400 keys", 30*time.Second, 100, res)
	s.Partial = true
	// The sampled form's fields, on the same document: a SHARDS run has no
	// policies and no TTL, but the schema checks each field on its own.
	s.Sampling = &Sampling{Kind: "fixed-size", Rate: 0.25, SampledKeys: 100, MaxKeys: 100, Reason: "--sample-keys 100"}
	s.Points[0].HitRateStdErr = 0.012
	return s
}
