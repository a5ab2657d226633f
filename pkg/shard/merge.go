package shard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/workload"
)

// Named is a result file and the path it was read from (for messages).
type Named struct {
	Path string
	File *File
}

// Info is what a merge saw besides the report input.
type Info struct {
	Shards  int   // N
	Dropped int64 // histogram values a merge could not hold (0 unless a file was tampered with)
}

// Merge builds the report input of the whole run from its N shards' result
// files (1/N … N/N, in any order, or a single unsharded file):
//
//   - counters are summed (operations, acquires, errors, exhaustions, …),
//     and so are throughputs (the shards run at the same time);
//   - settings (pool min and max size, cache bounds) are each process's
//     own and must agree; the levels at the end (active, idle, waiting,
//     cache items and bytes) are the mean over the shards;
//   - percentiles come from the merged HDR histograms (latency, acquire
//     wait, hold, connect), never from the shards' percentiles; means and
//     maxima from the exact sums and maxima;
//   - utilization is time-weighted: Σ utilization·uptime·max_size over
//     Σ uptime·max_size; peaks are the highest any one shard's pool saw;
//   - the per-second series are added second by second.
//
// Files that do not belong together (another command, other targets,
// pools, pool sizes or cache bounds, repeated or missing shards) are a *FileError naming
// them.
func Merge(files []Named) (report.Input, Info, error) {
	if len(files) == 0 {
		return report.Input{}, Info{}, &FileError{Reason: "no result files given"}
	}
	if err := checkSet(files); err != nil {
		return report.Input{}, Info{}, err
	}
	m := merger{}
	in := report.Input{Targets: mergeTargets(files)}
	for _, nf := range files {
		f := nf.File
		in.Now = later(in.Now, f.Ended)
		in.Duration = max(in.Duration, time.Duration(f.DurationSeconds*float64(time.Second)))
		in.Partial = in.Partial || f.Partial
		in.Embedded = in.Embedded || f.Embedded
		in.Leaks = append(in.Leaks, f.Leaks...)
	}
	in.Caches = mergeCaches(files)
	in.Resources = mergeResources(files)
	for _, name := range poolNames(files[0].File) {
		p, err := m.pool(files, name)
		if err != nil {
			return report.Input{}, Info{}, err
		}
		in.Pools = append(in.Pools, p)
	}
	return in, Info{Shards: files[0].File.Shard.Count, Dropped: m.dropped}, nil
}

// MergedOutcome is the union of the files' outcomes.
func MergedOutcome(files []Named) Outcome {
	var o Outcome
	for _, nf := range files {
		o.Unreachable = append(o.Unreachable, nf.File.Outcome.Unreachable...)
		o.FailedFast = append(o.FailedFast, nf.File.Outcome.FailedFast...)
	}
	slices.Sort(o.Unreachable)
	slices.Sort(o.FailedFast)
	o.Unreachable, o.FailedFast = slices.Compact(o.Unreachable), slices.Compact(o.FailedFast)
	return o
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func joinFiles(files []string) string {
	if len(files) == 0 {
		return "report merge"
	}
	return strings.Join(files, ", ")
}

func paths(files []Named) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// checkSet refuses files that are not the N shards of one run.
func checkSet(files []Named) error {
	first := files[0]
	n := first.File.Shard.Count
	byIndex := map[int]string{}
	for _, nf := range files {
		f := nf.File
		pair := []string{first.Path, nf.Path}
		switch {
		case f.Command != first.File.Command:
			return &FileError{Files: pair, Reason: fmt.Sprintf("results of different commands (%q, %q)", first.File.Command, f.Command)}
		case f.Shard.Count != n:
			return &FileError{Files: pair, Reason: fmt.Sprintf("shards of different splits (%s, %s): merge the N files of one --shard I/N run", first.File.Shard, f.Shard)}
		}
		embedded := f.Embedded && first.File.Embedded
		if a, b := diff(targetKeys(first.File, embedded), targetKeys(f, embedded)); a != "" || b != "" {
			return &FileError{Files: pair, Reason: fmt.Sprintf("different targets (%s only in the first; %s only in the second): merge the shards of one run", a, b)}
		}
		if a, b := diff(cacheKeys(first.File), cacheKeys(f)); a != "" || b != "" {
			return &FileError{Files: pair, Reason: fmt.Sprintf("different caches or cache bounds (%s only in the first; %s only in the second): run every shard with the same settings", a, b)}
		}
		if a, b := diff(poolKeys(first.File), poolKeys(f)); a != "" || b != "" {
			return &FileError{Files: pair, Reason: fmt.Sprintf("different pools or pool sizes (%s only in the first; %s only in the second): run every shard with the same settings", a, b)}
		}
		if prev, dup := byIndex[f.Shard.Index]; dup {
			return &FileError{Files: []string{prev, nf.Path}, Reason: fmt.Sprintf("both are shard %s: each shard's result may be given once", f.Shard)}
		}
		byIndex[f.Shard.Index] = nf.Path
	}
	if len(byIndex) < n {
		var missing []string
		for i := 1; i <= n; i++ {
			if _, ok := byIndex[i]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", i, n))
			}
		}
		return &FileError{Files: paths(files), Reason: fmt.Sprintf("%s missing: merge all %d shards' results", missingText(missing), n)}
	}
	return nil
}

// missingText is "shard 2/3 is" or "shards 2/3, 3/3 are".
func missingText(m []string) string {
	if len(m) == 1 {
		return "shard " + m[0] + " is"
	}
	return "shards " + strings.Join(m, ", ") + " are"
}

// targetKeys are the file's targets as "name kind url"; each shard of an
// embedded run has its own embedded targets, compared by name and kind.
func targetKeys(f *File, embedded bool) []string {
	var ts []string
	for _, t := range f.Targets {
		k := t.Name + " (" + t.Kind
		if !embedded {
			k += " " + t.URL
		}
		ts = append(ts, k+")")
	}
	return ts
}

// poolKeys are the file's pools as "name min–max".
func poolKeys(f *File) []string {
	var ps []string
	for _, p := range f.Pools {
		ps = append(ps, fmt.Sprintf("%s (size %d–%d)", p.Snapshot.Name, p.Snapshot.MinSize, p.Snapshot.MaxSize))
	}
	return ps
}

// cacheKeys are the file's caches as "name (bounds items/bytes)".
func cacheKeys(f *File) []string {
	var cs []string
	for _, c := range f.Caches {
		cs = append(cs, fmt.Sprintf("%s (bounds %d items, %d bytes)", c.Name, c.Stats.MaxItems, c.Stats.MaxBytes))
	}
	return cs
}

// diff lists what only a has and what only b has ("none" for nothing when
// the other side has something; both "" when equal).
func diff(a, b []string) (onlyA, onlyB string) {
	only := func(x, y []string) []string {
		var out []string
		for _, v := range x {
			if !slices.Contains(y, v) {
				out = append(out, v)
			}
		}
		return out
	}
	oa, ob := only(a, b), only(b, a)
	if len(oa)+len(ob) == 0 {
		return "", ""
	}
	return cmp.Or(strings.Join(oa, ", "), "none"), cmp.Or(strings.Join(ob, ", "), "none")
}

func poolNames(f *File) []string {
	var names []string
	for _, p := range f.Pools {
		names = append(names, p.Snapshot.Name)
	}
	return names
}

// mergeTargets keeps the first file's order; a target is reachable when
// every shard reached it, and keeps the first error seen.
func mergeTargets(files []Named) []report.Target {
	out := slices.Clone(files[0].File.Targets)
	for _, nf := range files[1:] {
		for _, t := range nf.File.Targets {
			i := slices.IndexFunc(out, func(o report.Target) bool { return o.Name == t.Name })
			if i < 0 {
				continue
			}
			out[i].Reachable = out[i].Reachable && t.Reachable
			out[i].Error = cmp.Or(out[i].Error, t.Error)
		}
	}
	return out
}

// mergeCaches sums each cache's counters and recomputes its ratios. The
// shards' caches are separate caches of the same settings: the bounds are
// each cache's own (checkSet makes sure they agree) and the items and
// bytes held at the end are the mean over the shards, so the suggestions
// (ASYNC_CACHE_MAX_ITEMS=…) stay per-process settings.
func mergeCaches(files []Named) []report.CacheInput {
	var out []report.CacheInput
	seen := map[string]int{}
	for _, nf := range files {
		for _, c := range nf.File.Caches {
			i := slices.IndexFunc(out, func(o report.CacheInput) bool { return o.Name == c.Name })
			if i < 0 {
				out = append(out, report.CacheInput{Name: c.Name})
				i = len(out) - 1
			}
			seen[c.Name]++
			s, t := &out[i].Stats, c.Stats
			s.MaxItems, s.MaxBytes = t.MaxItems, t.MaxBytes
			gets := s.Hits + s.Misses
			s.AvgGetNs = weighted(s.AvgGetNs, float64(gets), t.AvgGetNs, float64(t.Hits+t.Misses))
			s.Hits += t.Hits
			s.Misses += t.Misses
			s.Sets += t.Sets
			s.Updates += t.Updates
			s.Deletes += t.Deletes
			s.Evictions += t.Evictions
			s.Expirations += t.Expirations
			s.Items += t.Items
			s.Bytes += t.Bytes
		}
	}
	for i := range out {
		s := &out[i].Stats
		n := seen[out[i].Name]
		s.Items, s.Bytes = (s.Items+n/2)/n, (s.Bytes+int64(n/2))/int64(n)
		s.HitRate, s.MissRate = ratio(s.Hits, s.Hits+s.Misses), ratio(s.Misses, s.Hits+s.Misses)
		s.EvictionRate = ratio(s.Evictions, s.Sets+s.Updates)
		s.ItemUtilization = ratio(uint64(s.Items), uint64(max(s.MaxItems, 0)))
		s.ByteUtilization = ratio(uint64(s.Bytes), uint64(max(s.MaxBytes, 0)))
	}
	return out
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// weighted is the mean of a and b weighted by wa and wb (0 with no weight).
func weighted(a, wa, b, wb float64) float64 {
	if wa+wb == 0 {
		return 0
	}
	return (a*wa + b*wb) / (wa + wb)
}

// mergeResources sums the trackers' counts; the lifetime percentiles,
// which the files do not carry as histograms, are the highest of any shard
// (an upper bound, not a merged percentile).
func mergeResources(files []Named) resources.Stats {
	out := resources.Stats{ByKind: map[string]resources.KindStats{}}
	for _, nf := range files {
		r := nf.File.Resources
		out.Active += r.Active
		for k, s := range r.ByKind {
			o := out.ByKind[k]
			o.Created += s.Created
			o.Released += s.Released
			o.Active += s.Active
			o.PeakActive += s.PeakActive
			o.LifetimeP50 = max(o.LifetimeP50, s.LifetimeP50)
			o.LifetimeP95 = max(o.LifetimeP95, s.LifetimeP95)
			o.LifetimeP99 = max(o.LifetimeP99, s.LifetimeP99)
			out.ByKind[k] = o
		}
	}
	return out
}

// merger merges pools, counting the values histograms dropped.
type merger struct{ dropped int64 }

// pool merges the pool named name of every file.
func (m *merger) pool(files []Named, name string) (report.PoolInput, error) {
	var (
		snap             pools.Snapshot
		wait, hold, conn pools.Distribution
		busy, span       float64
		uptime           time.Duration
		work             []*Workload
		reachable        = true
		derived          []string
	)
	for k, nf := range files {
		i := slices.IndexFunc(nf.File.Pools, func(p Pool) bool { return p.Snapshot.Name == name })
		p := nf.File.Pools[i]
		s := p.Snapshot
		if k == 0 {
			snap = s
			snap.Errors, snap.Closed = pools.ErrorCounts{}, pools.ClosedCounts{}
			zeroCounters(&snap)
			derived = p.Derived
		}
		addCounters(&snap, s)
		up := time.Duration(p.UptimeSeconds * float64(time.Second))
		uptime = max(uptime, up)
		busy += s.Utilization * up.Seconds() * float64(s.MaxSize)
		span += up.Seconds() * float64(s.MaxSize)
		reachable = reachable && s.Reachable
		snap.LastError = cmp.Or(snap.LastError, s.LastError)
		for _, d := range []struct {
			into *pools.Distribution
			h    Histogram
			what string
		}{{&wait, p.AcquireWait, "acquire wait"}, {&hold, p.Hold, "hold"}, {&conn, p.Connect, "connect"}} {
			dist, err := decodeDist(d.h)
			if err != nil {
				return report.PoolInput{}, &FileError{Files: []string{nf.Path}, Reason: fmt.Sprintf("pool %s %s histogram: %v", name, d.what, err)}
			}
			m.dropped += d.into.Merge(dist)
		}
		work = append(work, p.Workload)
	}
	meanGauges(&snap, len(files))
	snap.Uptime = uptime
	snap.Reachable = reachable
	if span > 0 {
		snap.Utilization = min(busy/span, 1)
	}
	snap.AcquireWaitMs, snap.HoldMs, snap.ConnectMs = wait.Quantiles(), hold.Quantiles(), conn.Quantiles()
	snap.AcquireWaitCount = uint64(wait.Count())
	snap.AcquireWaitSumSeconds = wait.SumNs() / 1e9
	in := report.PoolInput{Snapshot: snap, Derived: derived}
	if err := m.workload(&in, files, work); err != nil {
		return report.PoolInput{}, err
	}
	return in, nil
}

func zeroCounters(s *pools.Snapshot) {
	s.Total, s.Active, s.Idle, s.Constructing, s.Waiting, s.PeakWaiting = 0, 0, 0, 0, 0, 0
	s.AcquireCount, s.Exhaustions, s.Timeouts, s.Cancellations, s.Created, s.Operations = 0, 0, 0, 0, 0, 0
	s.HTTPConnsReused, s.HTTPConnsNew, s.PeakUtilization = 0, 0, 0
}

// meanGauges turns the summed end-of-run levels of n pools into their
// mean, rounded: like the sizes, they are each process's.
func meanGauges(s *pools.Snapshot, n int) {
	mean := func(v int) int { return (v + n/2) / n }
	s.Total, s.Active, s.Idle = mean(s.Total), mean(s.Active), mean(s.Idle)
	s.Constructing, s.Waiting = mean(s.Constructing), mean(s.Waiting)
}

// addCounters adds t's counters and end gauges to s; peaks take the max.
func addCounters(s *pools.Snapshot, t pools.Snapshot) {
	s.Total += t.Total
	s.Active += t.Active
	s.Idle += t.Idle
	s.Constructing += t.Constructing
	s.Waiting += t.Waiting
	s.PeakWaiting = max(s.PeakWaiting, t.PeakWaiting)
	s.PeakUtilization = max(s.PeakUtilization, t.PeakUtilization)
	s.AcquireCount += t.AcquireCount
	s.Errors.Dial += t.Errors.Dial
	s.Errors.HealthCheck += t.Errors.HealthCheck
	s.Errors.Operation += t.Errors.Operation
	s.Exhaustions += t.Exhaustions
	s.Timeouts += t.Timeouts
	s.Cancellations += t.Cancellations
	s.Created += t.Created
	s.Closed.Idle += t.Closed.Idle
	s.Closed.Lifetime += t.Closed.Lifetime
	s.Closed.Health += t.Closed.Health
	s.Closed.Error += t.Closed.Error
	s.Closed.Shutdown += t.Closed.Shutdown
	s.Operations += t.Operations
	s.HTTPConnsReused += t.HTTPConnsReused
	s.HTTPConnsNew += t.HTTPConnsNew
}

// workload merges what the workload measured through one pool, when every
// shard ran one through it.
func (m *merger) workload(in *report.PoolInput, files []Named, work []*Workload) error {
	if slices.Contains(work, nil) {
		return nil
	}
	var lat *hdrhistogram.Histogram
	var stall report.Stall
	var throughput float64
	var series []workload.Point
	withLatency := true
	for i, w := range work {
		throughput += w.Throughput
		series = addSeries(series, w.Series)
		stall.Abandoned += w.Stall.Abandoned
		stall.Oldest = max(stall.Oldest, msDur(w.Stall.OldestMs))
		stall.OpTimeout = max(stall.OpTimeout, msDur(w.Stall.OpTimeoutMs))
		if w.Latency == nil {
			withLatency = false
			continue
		}
		h, err := decode(w.Latency.HDR)
		if err == nil {
			err = workload.CheckHistogram(h)
		}
		if err != nil {
			return &FileError{Files: []string{files[i].Path}, Reason: fmt.Sprintf("pool %s latency histogram: %v", in.Snapshot.Name, err)}
		}
		if lat == nil {
			lat = workload.NewHistogram()
		}
		m.dropped += lat.Merge(h)
	}
	in.Series, in.Stall = series, stall
	if withLatency && lat != nil {
		q, bins := workload.LatencyOf(lat)
		in.LatencyMs = &pools.Quantiles{P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max, Mean: q.Mean}
		in.LatencyHistogram = bins
		in.Throughput = throughput
	}
	return nil
}

func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// addSeries adds b to a second by second; the mean latency is weighted
// by the operations.
func addSeries(a, b []workload.Point) []workload.Point {
	for len(a) < len(b) {
		a = append(a, workload.Point{Second: len(a)})
	}
	for i, p := range b {
		q := &a[i]
		q.MeanMs = weighted(q.MeanMs, float64(q.Ops), p.MeanMs, float64(p.Ops))
		q.Ops += p.Ops
		q.Errors += p.Errors
	}
	return a
}

func decode(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("not an HdrHistogram encoding: %v", err)
	}
	return h, nil
}

func decodeDist(h Histogram) (pools.Distribution, error) {
	hh, err := decode(h.HDR)
	if err != nil {
		return pools.Distribution{}, err
	}
	return pools.DistributionOf(hh, h.SumNs, h.MaxNs)
}
