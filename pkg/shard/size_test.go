package shard

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload"
)

// longRunFile is shard i/n of a 10-minute run against three pools: a
// series of 600 seconds per pool and histograms of 200,000 values spread
// log-uniformly over six decades, which fills far more buckets than a real
// run's (a worst case for the file's size).
func longRunFile(tb testing.TB, i, n int) *File {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(i), 21))
	logUniform := func(lo, hi float64) int64 { return int64(lo * math.Pow(hi/lo, rng.Float64())) }
	in := report.Input{Now: time.Date(2026, 12, 4, 20, 10, 0, 0, time.UTC), Duration: 10 * time.Minute}
	results := map[string]*workload.Result{}
	dists := map[string]pools.Distributions{}
	for _, name := range []string{"database", "redis", "http"} {
		in.Targets = append(in.Targets, report.Target{Name: name, Kind: "redis", URL: "redis://" + name + ":6379/0", Reachable: true})
		dist := func() pools.Distribution {
			h := hdrhistogram.New(pools.DistLowestUs, pools.DistHighestUs, pools.DistDigits)
			var sum float64
			var maxNs int64
			for range 200_000 {
				us := logUniform(1, 1e6)
				_ = h.RecordValue(us)
				sum += float64(us) * 1e3
				maxNs = max(maxNs, us*1e3)
			}
			d, err := pools.DistributionOf(h, sum, maxNs)
			if err != nil {
				tb.Fatal(err)
			}
			return d
		}
		dists[name] = pools.Distributions{AcquireWait: dist(), Hold: dist(), Connect: dist()}
		lat := workload.NewHistogram()
		for range 200_000 {
			_ = lat.RecordValue(logUniform(1e3, 1e9))
		}
		series := make([]workload.Point, 600)
		for s := range series {
			series[s] = workload.Point{Second: s, Ops: 3000 + uint64(rng.IntN(500)), Errors: uint64(rng.IntN(3)), MeanMs: 1 + rng.Float64()}
		}
		results[name] = &workload.Result{Operations: 2_000_000, Elapsed: 10 * time.Minute, Throughput: 3333.3, LatencyHist: lat, Series: series}
		in.Pools = append(in.Pools, report.PoolInput{
			Snapshot:  pools.Snapshot{Name: name, Kind: "redis", MinSize: 5, MaxSize: 20, AcquireCount: 200_000, Operations: 2_000_000, Uptime: 10 * time.Minute, Reachable: true},
			LatencyMs: &pools.Quantiles{},
		})
	}
	f, err := New(Run{Command: "report", Shard: Segment{Index: i, Count: n}, Input: in, Results: results, Distributions: dists})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// TestLongRunFileSize: a 10-minute run with 1 s intervals and 3 pools
// stays under 1 MB (the budget).
func TestLongRunFileSize(t *testing.T) {
	var buf bytes.Buffer
	if err := output.EncodeJSON(&buf, longRunFile(t, 1, 1)); err != nil {
		t.Fatal(err)
	}
	t.Logf("result file of a 10-minute run, 3 pools: %d bytes", buf.Len())
	if buf.Len() >= 1<<20 {
		t.Errorf("result file is %d bytes, want under 1 MB", buf.Len())
	}
}

// BenchmarkMerge64 reads and merges 64 shard files of a 10-minute run
// (the budget: under 1 s). Recorded in bench/README.md.
func BenchmarkMerge64(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	f := longRunFile(b, 1, 64) // the same figures in every shard: merging costs the same
	for i := 1; i <= 64; i++ {
		f.Shard.Index = i
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if err := Write(p, f); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	if st, err := os.Stat(paths[0]); err == nil {
		b.ReportMetric(float64(st.Size()), "bytes/file")
	}
	b.ResetTimer()
	for b.Loop() {
		files, err := ReadAll(paths)
		if err != nil {
			b.Fatal(err)
		}
		in, _, err := Merge(files)
		if err != nil {
			b.Fatal(err)
		}
		_ = report.Build(in)
	}
}
