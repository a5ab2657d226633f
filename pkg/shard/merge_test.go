package shard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload"
)

// distOf is a pool distribution of durations given in microseconds.
func distOf(t *testing.T, us []int64) pools.Distribution {
	t.Helper()
	h := hdrhistogram.New(pools.DistLowestUs, pools.DistHighestUs, pools.DistDigits)
	var sum float64
	var maxNs int64
	for _, v := range us {
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
		sum += float64(v) * 1e3
		maxNs = max(maxNs, v*1e3)
	}
	d, err := pools.DistributionOf(h, sum, maxNs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// latencyOf is a workload latency histogram of durations in nanoseconds.
func latencyOf(t *testing.T, ns []int64) *hdrhistogram.Histogram {
	t.Helper()
	h := workload.NewHistogram()
	for _, v := range ns {
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// shardFile is shard i/n of a run against one Redis pool, whose waits
// (µs) and operation latencies (ns) are given; counters follow from them.
func shardFile(t *testing.T, i, n int, waitsUs, latNs []int64) *File {
	t.Helper()
	ops := uint64(len(latNs))
	in := report.Input{
		Now:      time.Date(2026, 12, 4, 20, 0, i, 0, time.UTC),
		Duration: 10 * time.Second,
		Targets:  []report.Target{{Name: "redis", Kind: "redis", URL: "redis://:secret@cache:6379/0", Reachable: true}},
		Pools: []report.PoolInput{{
			Snapshot: pools.Snapshot{
				Name: "redis", Kind: "redis", Target: "redis://:secret@cache:6379/0", MinSize: 2, MaxSize: 10,
				AcquireCount: uint64(len(waitsUs)), Operations: ops, Created: 3, Active: 1, Idle: 2, Total: 3,
				Errors: pools.ErrorCounts{Operation: uint64(i)}, Exhaustions: uint64(i), Utilization: 0.1 * float64(i),
				PeakUtilization: 0.2 * float64(i), Uptime: time.Duration(i) * time.Second, Reachable: true,
			},
			LatencyMs: &pools.Quantiles{},
		}},
	}
	res := &workload.Result{
		Operations: ops, Elapsed: 10 * time.Second, Throughput: float64(ops) / 10, LatencyHist: latencyOf(t, latNs),
		Series: []workload.Point{{Second: 0, Ops: ops, MeanMs: 1}},
	}
	f, err := New(Run{
		Command: "pools stats", Shard: Segment{Index: i, Count: n}, Input: in,
		Results:       map[string]*workload.Result{"redis": res},
		Distributions: map[string]pools.Distributions{"redis": {AcquireWait: distOf(t, waitsUs), Hold: distOf(t, latNs[:0]), Connect: distOf(t, nil)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func named(fs ...*File) []Named {
	out := make([]Named, len(fs))
	for i, f := range fs {
		out[i] = Named{Path: "s" + f.Shard.String()[:1] + ".json", File: f}
	}
	return out
}

// TestMergedPercentilesAreThoseOfAllSamples is the property merging rests
// on: for random samples split at random among N shards, the merged
// report's percentiles equal those of one histogram fed with every sample
// (exactly: the histograms share one geometry), never an average.
func TestMergedPercentilesAreThoseOfAllSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	for trial := range 25 {
		n := 1 + rng.IntN(5)
		waits, lats := make([][]int64, n), make([][]int64, n)
		var allWaits, allLats []int64
		for range 1 + rng.IntN(3000) {
			s := rng.IntN(n)
			// log-uniform over 1 µs … 1 h, with some zero waits
			w := int64(0)
			if rng.IntN(3) > 0 {
				w = int64(float64(time.Hour/time.Microsecond) * rng.Float64() * rng.Float64() * rng.Float64())
			}
			l := 100 + int64(float64(time.Hour)*rng.Float64()*rng.Float64()*rng.Float64()*rng.Float64())
			waits[s], lats[s] = append(waits[s], w), append(lats[s], l)
			allWaits, allLats = append(allWaits, w), append(allLats, l)
		}
		var files []*File
		for i := range n {
			files = append(files, shardFile(t, i+1, n, waits[i], lats[i]))
		}
		in, info, err := Merge(named(files...))
		if err != nil {
			t.Fatal(err)
		}
		if info.Dropped != 0 {
			t.Errorf("trial %d: %d values dropped", trial, info.Dropped)
		}
		p := in.Pools[0]
		if want := distOf(t, allWaits).Quantiles(); p.Snapshot.AcquireWaitMs != want {
			t.Errorf("trial %d (%d shards): merged acquire wait %+v, want %+v (one histogram of all)", trial, n, p.Snapshot.AcquireWaitMs, want)
		}
		q, bins := workload.LatencyOf(latencyOf(t, allLats))
		want := pools.Quantiles{P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max, Mean: q.Mean}
		if p.LatencyMs == nil || *p.LatencyMs != want {
			t.Errorf("trial %d (%d shards): merged latency %+v, want %+v (one histogram of all)", trial, n, p.LatencyMs, want)
		}
		if len(p.LatencyHistogram) != len(bins) {
			t.Errorf("trial %d: %d latency bins, want %d", trial, len(p.LatencyHistogram), len(bins))
		}
		if got := p.Snapshot.Operations; got != uint64(len(allLats)) {
			t.Errorf("trial %d: operations %d, want %d", trial, got, len(allLats))
		}
	}
}

// TestMergeAddsUp: counters and throughputs are summed, utilization is
// time-weighted, peaks are the highest, and a target down in one shard is
// down in the merge.
func TestMergeAddsUp(t *testing.T) {
	a := shardFile(t, 1, 2, []int64{0, 5}, []int64{1000, 2000, 3000})
	b := shardFile(t, 2, 2, []int64{7}, []int64{4000})
	b.Targets[0].Reachable, b.Targets[0].Error = false, "refused"
	in, _, err := Merge(named(b, a)) // any order
	if err != nil {
		t.Fatal(err)
	}
	s := in.Pools[0].Snapshot
	// shard 1: utilization 0.1 over 1 s; shard 2: 0.2 over 2 s; same max size
	wantUtil := (0.1*1 + 0.2*2) / 3
	checks := []struct {
		name      string
		got, want float64
	}{
		{"acquires", float64(s.AcquireCount), 3},
		{"operations", float64(s.Operations), 4},
		{"operation errors", float64(s.Errors.Operation), 3},
		{"exhaustions", float64(s.Exhaustions), 3},
		{"active (mean of the pools')", float64(s.Active), 1},
		{"idle (mean of the pools')", float64(s.Idle), 2},
		{"max size (each pool's)", float64(s.MaxSize), 10},
		{"utilization (time-weighted)", s.Utilization, wantUtil},
		{"peak utilization (highest)", s.PeakUtilization, 0.4},
		{"throughput (summed)", in.Pools[0].Throughput, 0.3 + 0.1},
		{"series ops", float64(in.Pools[0].Series[0].Ops), 4},
		{"duration", in.Duration.Seconds(), 10},
	}
	for _, c := range checks {
		if diff := c.got - c.want; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if in.Targets[0].Reachable || in.Targets[0].Error != "refused" {
		t.Errorf("target = %+v, want unreachable as in shard 2", in.Targets[0])
	}
	if strings.Contains(in.Targets[0].URL, "secret") || strings.Contains(s.Target, "secret") {
		t.Error("password in the merged input")
	}
	if !in.Now.Equal(b.Ended) {
		t.Errorf("Now = %v, want the last shard's end %v", in.Now, b.Ended)
	}
}

// TestMergeRefusesFilesThatDoNotBelongTogether: each mismatch is a
// *FileError naming the files involved.
func TestMergeRefusesFilesThatDoNotBelongTogether(t *testing.T) {
	mk := func(i, n int) *File { return shardFile(t, i, n, []int64{1}, []int64{1000}) }
	tests := []struct {
		name      string
		files     func() []Named
		wantFiles []string
		wantMsg   string
	}{
		{"missing shard", func() []Named { return named(mk(1, 3), mk(3, 3)) }, []string{"s1.json", "s3.json"}, "shard 2/3 is missing"},
		{"repeated shard", func() []Named { return named(mk(1, 2), mk(1, 2)) }, []string{"s1.json", "s1.json"}, "both are shard 1/2"},
		{"two unsharded runs", func() []Named { return named(mk(1, 1), mk(1, 1)) }, []string{"s1.json", "s1.json"}, "both are shard 1/1"},
		{"different splits", func() []Named { return named(mk(1, 2), mk(2, 3)) }, []string{"s1.json", "s2.json"}, "different splits (1/2, 2/3)"},
		{"different commands", func() []Named {
			b := mk(2, 2)
			b.Command = "report"
			return named(mk(1, 2), b)
		}, []string{"s1.json", "s2.json"}, "different commands"},
		{"different targets", func() []Named {
			b := mk(2, 2)
			b.Targets[0].URL = "redis://other:6379/0"
			return named(mk(1, 2), b)
		}, []string{"s1.json", "s2.json"}, "redis (redis redis://other:6379/0) only in the second"},
		{"different pool sizes", func() []Named {
			b := mk(2, 2)
			b.Pools[0].Snapshot.MaxSize = 20
			return named(mk(1, 2), b)
		}, []string{"s1.json", "s2.json"}, "redis (size 2–20) only in the second"},
		{"bad histogram", func() []Named {
			b := mk(2, 2)
			b.Pools[0].Hold.HDR = "not base64"
			return named(mk(1, 2), b)
		}, []string{"s2.json"}, "pool redis hold histogram"},
		{"histogram of another range", func() []Named {
			b := mk(2, 2)
			h := hdrhistogram.New(1, 1000, 2)
			b.Pools[0].AcquireWait.HDR, _ = encode(h)
			return named(mk(1, 2), b)
		}, []string{"s2.json"}, "histogram range 1–1000 µs"},
		{"nothing", func() []Named { return nil }, nil, "no result files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Merge(tt.files())
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Merge error = %v, want a *FileError", err)
			}
			if strings.Join(fe.Files, ",") != strings.Join(tt.wantFiles, ",") || !strings.Contains(fe.Reason, tt.wantMsg) {
				t.Errorf("Merge error = %v (files %q), want files %q and %q", err, fe.Files, tt.wantFiles, tt.wantMsg)
			}
		})
	}
}

// TestEmbeddedShardsCompareByNameAndKind: every shard of an embedded run
// has its own embedded targets, on other ports and paths.
func TestEmbeddedShardsCompareByNameAndKind(t *testing.T) {
	a, b := shardFile(t, 1, 2, nil, []int64{1000}), shardFile(t, 2, 2, nil, []int64{1000})
	a.Embedded, b.Embedded = true, true
	b.Targets[0].URL = "redis://127.0.0.1:40001/0"
	if _, _, err := Merge(named(a, b)); err != nil {
		t.Fatalf("embedded shards: %v", err)
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	good := shardFile(t, 1, 1, nil, []int64{1000})
	write := func(name string, mutate func(*File), raw string) string {
		p := filepath.Join(dir, name)
		if raw != "" {
			if err := os.WriteFile(p, []byte(raw), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		f := *good
		mutate(&f)
		if err := Write(p, &f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"not JSON", write("x.json", nil, "hello"), "not a resync result file"},
		{"a report", write("report.json", nil, `{"schema_version": 1, "connection_pools": {}}`), `kind "" is not "resync-result"`},
		{"another version", write("v2.json", func(f *File) { f.Version = 2 }, ""), "result_version 2: this resync reads version 1"},
		{"bad shard", write("shard.json", func(f *File) { f.Shard = Segment{Index: 3, Count: 2} }, ""), "shard 3/2 is not a valid I/N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.path)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("Read error = %v, want a *FileError naming %s with %q", err, tt.path, tt.want)
			}
		})
	}
	p := write("ok.json", func(*File) {}, "")
	f, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Merge([]Named{{Path: p, File: f}}); err != nil {
		t.Errorf("a file read back does not merge: %v", err)
	}
}

// TestWriteIsAtomic: a write that fails leaves the previous file intact
// and no temporary file behind.
func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := os.WriteFile(p, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := shardFile(t, 1, 1, nil, nil)
	f.DurationSeconds = nan() // JSON cannot encode it
	if err := Write(p, f); err == nil {
		t.Fatal("Write of an unencodable file succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "previous" {
		t.Errorf("file now holds %q, want the previous content", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the directory, want only r.json (no temporary file)", len(ents))
	}
	if err := Write(filepath.Join(dir, "missing", "r.json"), shardFile(t, 1, 1, nil, nil)); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestMergeCaches: counters are summed and the rates recomputed from the
// sums; the bounds stay each cache's and the items held are the mean, so
// a suggestion such as ASYNC_CACHE_MAX_ITEMS stays a per-process setting.
func TestMergeCaches(t *testing.T) {
	withCache := func(i int, hits, misses uint64, items int) *File {
		f := shardFile(t, i, 2, nil, []int64{1000})
		f.Caches = []Cache{{Name: "default", Stats: cacheStats(hits, misses, items)}}
		return f
	}
	in, _, err := Merge(named(withCache(1, 90, 10, 100), withCache(2, 30, 70, 300)))
	if err != nil {
		t.Fatal(err)
	}
	s := in.Caches[0].Stats
	if s.Hits != 120 || s.Misses != 80 || s.HitRate != 0.6 || s.Items != 200 || s.MaxItems != 1000 || s.ItemUtilization != 0.2 {
		t.Errorf("merged cache %+v, want 120 hits, 80 misses, hit rate 0.6, 200 items of 1000 (0.2)", s)
	}
	if s.AvgGetNs != (50.0*100+50.0*100)/200 {
		t.Errorf("avg get %v, want the gets-weighted mean 50", s.AvgGetNs)
	}
	other := withCache(2, 1, 1, 1)
	other.Caches[0].Stats.MaxItems = 2000
	_, _, err = Merge(named(withCache(1, 1, 1, 1), other))
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "different caches or cache bounds") {
		t.Errorf("caches of other bounds: %v, want a *FileError", err)
	}
}

func cacheStats(hits, misses uint64, items int) cache.Stats {
	return cache.Stats{Hits: hits, Misses: misses, Sets: misses, Items: items, MaxItems: 1000, MaxBytes: 1 << 20, AvgGetNs: 50}
}

// TestReadAll: files come back in the order given, and the first bad one
// in that order is the error.
func TestReadAll(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := 1; i <= 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if err := Write(p, shardFile(t, i, 5, nil, []int64{1000})); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	files, err := ReadAll(paths)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		if f.Path != paths[i] || f.File.Shard.Index != i+1 {
			t.Errorf("file %d: %s, shard %s; want %s, shard %d/5", i, f.Path, f.File.Shard, paths[i], i+1)
		}
	}
	bad := append(slices.Clone(paths[:2]), filepath.Join(dir, "nope1.json"), paths[3], filepath.Join(dir, "nope2.json"))
	if _, err := ReadAll(bad); err == nil || !strings.Contains(err.Error(), "nope1.json") {
		t.Errorf("ReadAll error = %v, want the first missing file named", err)
	}
}
