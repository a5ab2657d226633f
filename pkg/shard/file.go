package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/workload"
)

// FileKind names a result file in its "kind" field.
const FileKind = "resync-result"

// FileVersion is the result file format's version. Like the report's
// schema_version, fields are only ever added within a version; merge
// refuses files of another version.
const FileVersion = 1

// File is one run's result file (--result-out): everything report merge
// needs to build the report a single run over all shards would have given.
// Every histogram is HdrHistogram's V2 compressed encoding (base64), in the
// fixed geometry of pools.Dist… or workload.Hist…, so merging is exact.
type File struct {
	Kind    string  `json:"kind"`           // FileKind
	Version int     `json:"result_version"` // FileVersion
	Command string  `json:"command"`        // "report" or "pools stats"
	Shard   Segment `json:"shard"`

	Started         time.Time `json:"started"`
	Ended           time.Time `json:"ended"`
	DurationSeconds float64   `json:"duration_seconds"` // the measured window
	Partial         bool      `json:"partial"`
	Embedded        bool      `json:"embedded"`

	Targets   []report.Target  `json:"targets"` // URLs and errors redacted
	Caches    []Cache          `json:"caches"`
	Pools     []Pool           `json:"pools"`
	Resources resources.Stats  `json:"resources"`
	Leaks     []resources.Leak `json:"leaks"`

	// Outcome is what made the run's exit code besides its report.
	Outcome Outcome `json:"outcome"`
}

// Outcome is what decides a run's exit code besides the report itself.
type Outcome struct {
	// Unreachable are the targets found unreachable at the start.
	Unreachable []string `json:"unreachable"`
	// FailedFast are the targets whose first operations all failed alike.
	FailedFast []string `json:"failed_fast"`
}

// Cache is one cache's counters.
type Cache struct {
	Name  string      `json:"name"`
	Stats cache.Stats `json:"stats"`
}

// Pool is one pool: its snapshot (counters and gauges), its histograms and
// what the workload measured through it.
type Pool struct {
	Snapshot      pools.Snapshot `json:"snapshot"`
	UptimeSeconds float64        `json:"uptime_seconds"`
	AcquireWait   Histogram      `json:"acquire_wait"` // microseconds
	Hold          Histogram      `json:"hold"`         // microseconds
	Connect       Histogram      `json:"connect"`      // microseconds
	Derived       []string       `json:"derived,omitempty"`
	// Workload is nil when no workload ran through the pool.
	Workload *Workload `json:"workload,omitempty"`
}

// Histogram is an encoded HdrHistogram with the exact sum and max of its
// values beside it (its own max and mean are rounded to its precision).
type Histogram struct {
	HDR   string  `json:"hdr"`
	Count int64   `json:"count"`
	SumNs float64 `json:"sum_ns"`
	MaxNs int64   `json:"max_ns"`
}

// Workload is what the workload measured through one pool.
type Workload struct {
	Operations     uint64           `json:"operations"`
	ElapsedSeconds float64          `json:"elapsed_seconds"`
	Throughput     float64          `json:"throughput_per_s"`
	Series         []workload.Point `json:"series"`
	// Latency is the operation latency (nanoseconds); absent when the pool
	// sits behind the cache, whose hits are not the pool's operations.
	Latency *Histogram `json:"latency,omitempty"`
	Clamped uint64     `json:"clamped"` // latencies beyond the histogram's range, recorded at its top
	Stall   Stall      `json:"stall"`
}

// Stall is report.Stall in milliseconds.
type Stall struct {
	Abandoned   uint64  `json:"abandoned"`
	OldestMs    float64 `json:"oldest_ms"`
	OpTimeoutMs float64 `json:"op_timeout_ms"`
}

// Run is what a load command hands New: the report input it built, the
// workload results by pool name, and each pool's histograms.
type Run struct {
	Command       string
	Shard         Segment
	Started       time.Time
	Input         report.Input
	Results       map[string]*workload.Result
	Distributions map[string]pools.Distributions
	Outcome       Outcome
}

// New builds the result file of a run.
func New(r Run) (*File, error) {
	in := r.Input
	f := &File{
		Kind: FileKind, Version: FileVersion, Command: r.Command, Shard: r.Shard.norm(),
		Started: r.Started.UTC(), Ended: in.Now.UTC(), DurationSeconds: in.Duration.Seconds(),
		Partial: in.Partial, Embedded: in.Embedded,
		Targets: make([]report.Target, 0, len(in.Targets)), Caches: []Cache{}, Pools: []Pool{},
		Resources: in.Resources, Leaks: in.Leaks, Outcome: r.Outcome,
	}
	if f.Leaks == nil {
		f.Leaks = []resources.Leak{}
	}
	for _, t := range in.Targets {
		t.URL, t.Error = redact.URL(t.URL), redact.Text(t.Error)
		f.Targets = append(f.Targets, t)
	}
	for _, c := range in.Caches {
		f.Caches = append(f.Caches, Cache{Name: c.Name, Stats: c.Stats})
	}
	for _, p := range in.Pools {
		fp, err := newPool(p, r.Results[p.Snapshot.Name], r.Distributions[p.Snapshot.Name])
		if err != nil {
			return nil, fmt.Errorf("pool %s: %w", p.Snapshot.Name, err)
		}
		f.Pools = append(f.Pools, fp)
	}
	return f, nil
}

func newPool(p report.PoolInput, res *workload.Result, d pools.Distributions) (Pool, error) {
	s := p.Snapshot
	s.Target, s.LastError = redact.URL(s.Target), redact.Text(s.LastError)
	out := Pool{Snapshot: s, UptimeSeconds: s.Uptime.Seconds(), Derived: p.Derived}
	var err error
	if out.AcquireWait, err = encodeDist(d.AcquireWait); err != nil {
		return Pool{}, err
	}
	if out.Hold, err = encodeDist(d.Hold); err != nil {
		return Pool{}, err
	}
	if out.Connect, err = encodeDist(d.Connect); err != nil {
		return Pool{}, err
	}
	if res == nil {
		return out, nil
	}
	w := &Workload{
		Operations: res.Operations, ElapsedSeconds: res.Elapsed.Seconds(), Throughput: res.Throughput,
		Series: res.Series, Clamped: res.Clamped,
		Stall: Stall{Abandoned: res.Abandoned, OldestMs: res.AbandonedAge.Oldest, OpTimeoutMs: durMs(res.OpTimeout)},
	}
	if w.Series == nil {
		w.Series = []workload.Point{}
	}
	if p.LatencyMs != nil && res.LatencyHist != nil {
		h, err := encode(res.LatencyHist)
		if err != nil {
			return Pool{}, err
		}
		w.Latency = &Histogram{HDR: h, Count: res.LatencyHist.TotalCount()}
	}
	out.Workload = w
	return out, nil
}

func durMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }

func encodeDist(d pools.Distribution) (Histogram, error) {
	if d.Histogram() == nil {
		d = pools.NewDistribution()
	}
	s, err := encode(d.Histogram())
	return Histogram{HDR: s, Count: d.Count(), SumNs: d.SumNs(), MaxNs: d.MaxNs()}, err
}

func encode(h *hdrhistogram.Histogram) (string, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encoding a histogram: %w", err)
	}
	return string(b), nil
}

// Write writes f to path atomically: into a temporary file beside it,
// renamed over path only once all of it was written, so a failed run never
// leaves half a file.
func Write(path string, f *File) error {
	return output.WriteAtomic(path, func(w io.Writer) error { return output.EncodeJSON(w, f) })
}

// FileError is a result file that cannot be read or merged: a usage error
// naming the file(s).
type FileError struct {
	Files  []string
	Reason string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %s", joinFiles(e.Files), e.Reason)
}

// Read reads and checks one result file: its kind, version and shard.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &FileError{Files: []string{path}, Reason: "no such file"}
		}
		return nil, &FileError{Files: []string{path}, Reason: err.Error()}
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, &FileError{Files: []string{path}, Reason: "not a resync result file (" + err.Error() + "): write one with --result-out"}
	}
	switch {
	case f.Kind != FileKind:
		return nil, &FileError{Files: []string{path}, Reason: fmt.Sprintf("kind %q is not %q: write result files with --result-out (the report JSON cannot be merged)", f.Kind, FileKind)}
	case f.Version != FileVersion:
		return nil, &FileError{Files: []string{path}, Reason: fmt.Sprintf("result_version %d: this resync reads version %d; merge files written by the same resync version", f.Version, FileVersion)}
	case f.Shard.Count < 1 || f.Shard.Count > MaxCount || f.Shard.Index < 1 || f.Shard.Index > f.Shard.Count:
		return nil, &FileError{Files: []string{path}, Reason: fmt.Sprintf("shard %d/%d is not a valid I/N", f.Shard.Index, f.Shard.Count)}
	}
	return &f, nil
}

// ReadAll reads and checks the files, several at once (decoding a file's
// JSON is most of a merge's work). It returns them in the order given, or
// the error of the first file in that order that failed.
func ReadAll(paths []string) ([]Named, error) {
	out := make([]Named, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := range next {
				f, err := Read(paths[i])
				out[i], errs[i] = Named{Path: paths[i], File: f}, err
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
