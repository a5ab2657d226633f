package server

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var fixedTime = time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)

// waitBuckets pairs cumulative counts with pools.DefaultWaitBuckets, the
// last count repeated up to the last bound.
func waitBuckets(counts ...uint64) []pools.Bucket {
	out := make([]pools.Bucket, len(pools.DefaultWaitBuckets))
	for i, le := range pools.DefaultWaitBuckets {
		out[i] = pools.Bucket{UpperBoundSeconds: le, CumulativeCount: counts[min(i, len(counts)-1)]}
	}
	return out
}

// degradedReport is a fixed report with one cache, two pools, tracked
// resources and one leak: every section has content.
func degradedReport() *report.Report {
	return &report.Report{
		SchemaVersion:   report.SchemaVersion,
		Timestamp:       fixedTime,
		DurationSeconds: 10,
		Embedded:        true,
		Targets: []report.Target{
			{Name: "database", Kind: "postgres", URL: "postgres://app:***@db:5432/app", Reachable: true},
			{Name: "redis", Kind: "redis", URL: "redis://cache:6379/0", Reachable: true},
		},
		Caches: map[string]report.CacheEntry{
			"default": {
				Metrics: report.CacheMetrics{
					HitRate: 0.855, MissRate: 0.145, EvictionRate: 0.01, AvgAccessNs: 85,
					Items: 9120, MemoryBytes: 1183744, MaxItems: 100000, MaxBytes: 104857600,
					ItemUtilization: 0.0912, ByteUtilization: 0.0113,
					Hits: 8550, Misses: 1450, Sets: 1450, Evictions: 14, Expirations: 3,
				},
				EfficiencyScore: 82.3, Rating: "excellent", Recommendations: []report.Recommendation{},
			},
		},
		Pools: map[string]report.PoolEntry{
			"database": {
				Metrics: report.PoolMetrics{
					Kind: "postgres", Target: "postgres://app:***@db:5432/app",
					Active: 12, Idle: 8, Waiting: 2, Total: 20, MinSize: 20, MaxSize: 100,
					Utilization: 0.12, PeakUtilization: 0.3, AcquireCount: 5000,
					AcquireWaitMs: pools.Quantiles{P50: 0.02, P95: 0.4, P99: 1.9, Max: 12, Mean: 0.1},
					Errors:        3, ErrorsByKind: pools.ErrorCounts{Dial: 1, Operation: 2}, ErrorRate: 0.0006,
					Exhaustions: 0, Timeouts: 1, Created: 21, Closed: pools.ClosedCounts{Idle: 1},
					Operations: 5000, ThroughputPerS: 500, Reachable: true,
					// Consistent with the quantiles above: p50 ≤ 0.1 ms, p95 ≤ 0.5 ms, max ≤ 25 ms.
					AcquireWaitBuckets: waitBuckets(4100, 4800, 4900, 4985, 4995, 5000),
					AcquireWaitCount:   5000, AcquireWaitSumSeconds: 0.5,
				},
				EfficiencyScore: 62, Rating: "good",
				Recommendations: []report.Recommendation{{
					ID: "pool.lower_min", Severity: report.SeverityWarning, Subject: "database",
					Message:    "Utilization is 12%, below 20%: lower the minimum size.",
					Evidence:   map[string]float64{"utilization": 0.12},
					Suggestion: "DB_POOL_MIN_SIZE=5",
				}},
			},
			"redis": {
				Metrics: report.PoolMetrics{
					Kind: "redis", Target: "redis://cache:6379/0", Active: 1, Idle: 4, Total: 5,
					MinSize: 5, MaxSize: 20, Utilization: 0.7, AcquireCount: 100, Operations: 100,
					Reachable: true,
				},
				EfficiencyScore: 100, Rating: "excellent", Recommendations: nil, // nil must still encode as []
			},
		},
		Resources: report.Resources{
			ActiveCount: 45,
			PotentialLeaks: []report.Leak{{
				Source: "tracker", Kind: "connection", ID: "17", Owner: "probe",
				LifetimeSeconds: 4000, Severity: report.SeverityWarning,
			}},
			LeaksBySeverity: map[string]int{"critical": 0, "warning": 1, "info": 0},
			ByKind: map[string]report.KindStats{
				"connection": {Created: 60, Released: 15, Active: 45, PeakActive: 50, LifetimeP50: 0.5, LifetimeP95: 2, LifetimeP99: 3.5},
			},
		},
		OverallHealth: report.HealthDegraded,
		HealthReasons: []string{"pool database: warning pool.lower_min"},
	}
}

// criticalReport is degradedReport with an unreachable pool.
func criticalReport() *report.Report {
	r := degradedReport()
	p := r.Pools["redis"]
	p.Metrics.Reachable = false
	p.Metrics.LastError = "dial tcp 10.0.0.1:6379: connection refused"
	r.Pools["redis"] = p
	r.OverallHealth = report.HealthCritical
	r.HealthReasons = []string{"target redis is unreachable", "pool database: warning pool.lower_min"}
	return r
}

// fakeLeaks records the thresholds it was asked for and answers with the
// leaks older than the threshold from a fixed set.
type fakeLeaks struct {
	mu    sync.Mutex
	calls []time.Duration
	err   error
	block bool // wait for ctx to end before answering
	// missed are the targets the scan says it could not inspect.
	missed []report.NotInspected
}

var allLeaks = []resources.Leak{
	{Source: "tracker", Kind: "connection", ID: "17", Owner: "probe", Created: fixedTime.Add(-4000 * time.Second),
		Lifetime: 4000 * time.Second, Severity: resources.SeverityWarning},
	{Source: "database", Kind: "idle_in_transaction", ID: "4242", Owner: "billing", Created: fixedTime.Add(-90 * time.Second),
		Lifetime: 90 * time.Second, Severity: resources.SeverityCritical,
		Evidence: map[string]string{"state": "idle in transaction", "dsn": "postgres://app:hunter2@db/app"}},
}

func (f *fakeLeaks) scan(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error) {
	f.mu.Lock()
	f.calls = append(f.calls, maxLifetime)
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return report.LeakScan{}, ctx.Err()
	}
	if f.err != nil {
		return report.LeakScan{}, f.err
	}
	out := report.LeakScan{Inspected: []string{"database"}, NotInspected: f.missed}
	for _, l := range allLeaks {
		if l.Lifetime > maxLifetime {
			out.Leaks = append(out.Leaks, l)
		}
	}
	return out, nil
}

func (f *fakeLeaks) thresholds() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.calls...)
}

// newTestServer returns a server with opts (Leaks defaulting to a fake)
// and r published when not nil.
func newTestServer(t *testing.T, opts Options, r *report.Report) (*Server, *fakeLeaks) {
	t.Helper()
	fl := &fakeLeaks{}
	if opts.Leaks == nil {
		opts.Leaks = fl.scan
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if r != nil {
		if err := s.Publish(r); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	return s, fl
}

// do runs one request through the handler.
func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string, body string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("body differs from %s (run go test -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
