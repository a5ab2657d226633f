package cachecmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/cache/sim"
	"github.com/resync-dev/resync/pkg/report"
)

// Defaults of "cache simulate".
const (
	defaultSweep    = 20
	defaultKeys     = 100_000
	defaultRequests = 1_000_000
	defaultZipfS    = 1.01
	defaultRate     = 1000
	defaultTarget   = 0.7
	maxCapacities   = 200
)

// Upper bounds of "cache simulate": the synthetic workload is generated in
// memory (8 bytes a request, and about as much again for the replay), so
// these keep a run within a few gigabytes instead of failing to allocate.
const (
	// maxRequests bounds --requests: 50 million requests are about 1 GB.
	maxRequests = 50_000_000
	// maxKeys bounds --keys, the distinct keys of the synthetic workload.
	maxKeys = 50_000_000
	// maxCapacity bounds each --capacity value, in items.
	maxCapacity = 100_000_000
)

// SimulateOptions are the parsed flags of "cache simulate" and what the
// run needs from outside.
type SimulateOptions struct {
	IO      *cmdutil.IOStreams
	Printer *cmdutil.Printer

	Trace      string
	Format     string
	Columns    string
	Dist       string
	Keys       int
	Requests   int
	ZipfS      float64
	Seed       uint64
	Capacities []string
	Sweep      int
	TTL        time.Duration
	Rate       float64
	Target     float64
	Policies   []string
	SampleKeys int     // fixed-size SHARDS sample
	SampleRate float64 // fixed-rate SHARDS
	Exact      bool    // never sample

	// set by validate
	capacities []int
	policies   []string
	columns    sim.Columns
	traceSet   bool
	distSet    bool
	sweepSet   bool
}

func newSimulateCmd(f *cmdutil.Factory, runF func(context.Context, *SimulateOptions) error) *cobra.Command {
	opts := &SimulateOptions{IO: f.IO}
	format := cmdutil.NewEnum(sim.FormatText, sim.Formats...)
	dist := cmdutil.NewEnum("", sim.DistZipf, sim.DistUniform, sim.DistHotset)
	cmd := &cobra.Command{
		Use:   "simulate (--trace FILE | --dist zipf|uniform|hotset) [--capacity N,N… | --sweep N]",
		Short: "Replay a key trace or a synthetic workload and print the hit-rate curve",
		Long: `Replays a key trace, or a synthetic workload, through the cache at several
capacities and prints, per capacity: the LRU hit rate, the eviction rate,
the efficiency score and rating, recommendations (at most one per capacity,
never more items than the trace's distinct keys, none within 0.5 point of
an unbounded cache), and the optimal (Belady) hit rate — how much any
smarter policy could still gain. It also prints the
smallest capacity that reaches --target-hit-rate, and a chart of the curve.

--policy adds other eviction policies, one hit-rate column and chart series
each, simulated by item count over the same trace:
  lru       exact LRU (always shown: the reference for resync's cache)
  sieve     SIEVE (Zhang et al., NSDI 2024)
  s3fifo    S3-FIFO (Yang et al., SOSP 2023): 10 % small FIFO, main, ghost
  arc       ARC (Megiddo & Modha, FAST 2003)
  2q        full 2Q (Johnson & Shasha, VLDB 1994): A1in 25 %, A1out 50 %
  lirs      LIRS (Jiang & Zhang, SIGMETRICS 2002): 1 % resident HIR
  wtinylfu  W-TinyLFU (Einziger et al., ACM TOS 2017): 1 % window LRU,
            SLRU main, count-min sketch admission
  opt       Belady's optimum (always shown: the bound no policy beats)
sieve, s3fifo, arc, 2q, lirs and wtinylfu replay the trace once per
capacity (not with --ttl).

A trace is read as it streams (memory grows with its distinct keys, about
40 bytes each, and 8 bytes a request, not with the file); "-" reads stdin;
gzip, zstd and xz are detected by their magic bytes. --format picks the form:
  text            one key per line, integer keys as they are, other text
                  hashed (cache2k and LIRS suites; "#" and "*" lines skipped)
  csv, tsv        rows; --columns key=2,size=3,time=1,op=4 picks the columns
                  (counting from 1; default key=1); a header row is skipped
  arc             the ARC suite's "start count ..." block runs
  oracle-general  libCacheSim's oracleGeneral binary records
A trace over 100,000,000 distinct keys or 500,000,000 requests is refused
(exit 2) before it can exhaust memory.

Long traces are sampled: past 20,000,000 requests (and from the start with
--sample-keys or --sample-rate) the LRU curve is a SHARDS estimate
(Waldspurger et al., FAST 2015) from a hashed sample of the keys — by
default at most 65,536 of them, so memory stays about 5 MiB however long
the trace — each hit rate shown with its standard error (from 4 disjoint
samples). A sample that holds every key is exact. There is no optimal hit
rate then, and no other policy: --exact reads the whole trace instead.

Without --ttl, hit rates are those of an exact LRU, for all capacities in one
pass; resync's cache stays within 0.5 point of it (its tests check this on
real traces), and the capacity for the target is exact. With --ttl, the trace
is replayed through resync's cache at each capacity on a simulated clock of
--rate requests per second, and the capacity for the target is the smallest
of those evaluated.

The score is 60 × hit rate + 20 × (1 − eviction rate) + 20 × memory
efficiency (1 here: the simulation has no byte bound).

Interrupted (Ctrl-C), it prints the capacities finished so far, marked
partial, and exits 130.`,
		Example: `  resync cache simulate --trace keys.txt.gz --capacity 1000,10000,100000
  resync cache simulate --trace access.csv.zst --format csv --columns key=2,size=3
  resync cache simulate --trace keys.txt --capacity 1k,10k --policy lru,sieve,s3fifo,arc,opt
  resync cache simulate --trace keys.txt.gz --capacity 1k,10k,100k --sample-keys 16384
  zcat keys.gz | resync cache simulate --trace - --sweep 30 -o json
  resync cache simulate --dist zipf --keys 1000000 --requests 5000000 --zipf-s 0.9
  resync cache simulate --dist hotset --capacity 20k --ttl 30s --rate 2000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Dist = dist.String()
			opts.Format = format.String()
			fl := cmd.Flags()
			opts.traceSet = fl.Changed("trace")
			opts.distSet = fl.Changed("dist")
			opts.sweepSet = fl.Changed("sweep")
			if err := opts.validate(); err != nil {
				return err
			}
			opts.Printer = f.Printer()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSimulate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Trace, "trace", "", `key trace file (gzip, zstd, xz detected; "-" for stdin)`)
	fl.Var(format, "format", "trace format: text, csv, tsv, arc or oracle-general")
	fl.StringVar(&opts.Columns, "columns", "", "columns of a csv/tsv trace, e.g. key=2,size=3,time=1,op=4 (default key=1)")
	fl.Var(dist, "dist", "synthetic workload instead of a trace: zipf, uniform or hotset (80 % of requests on 20 % of keys)")
	fl.IntVar(&opts.Keys, "keys", defaultKeys, fmt.Sprintf("distinct keys of the synthetic workload, at most %d", maxKeys))
	fl.IntVar(&opts.Requests, "requests", defaultRequests, fmt.Sprintf("requests of the synthetic workload, at most %d", maxRequests))
	fl.Float64Var(&opts.ZipfS, "zipf-s", defaultZipfS, "zipf exponent s (> 0) for --dist zipf")
	fl.Uint64Var(&opts.Seed, "seed", 1, "random seed of the synthetic workload (same seed, same trace)")
	fl.StringSliceVar(&opts.Capacities, "capacity", nil, "item capacities to evaluate, e.g. 1000,10k,1m, each at most 100m (default: a sweep)")
	fl.IntVar(&opts.Sweep, "sweep", defaultSweep, "number of capacities, log-spaced up to the distinct keys, when --capacity is not given")
	fl.Var(cmdutil.NewDuration(&opts.TTL, 0), "ttl", "entry TTL, e.g. 30s; 0 means entries never expire")
	fl.Float64Var(&opts.Rate, "rate", defaultRate, "requests per second: the simulated clock that --ttl runs on")
	fl.Float64Var(&opts.Target, "target-hit-rate", defaultTarget, "hit rate to reach, 0–1")
	fl.IntVar(&opts.SampleKeys, "sample-keys", 0, fmt.Sprintf("estimate the LRU curve from a SHARDS sample of at most this many keys (at least %d)", sim.MinSampleKeys))
	fl.Float64Var(&opts.SampleRate, "sample-rate", 0, "estimate the LRU curve from a SHARDS sample of this share of the keys, e.g. 0.01")
	fl.BoolVar(&opts.Exact, "exact", false, fmt.Sprintf("never sample: read the whole trace however long (exact LRU, the optimum and --policy); without it traces over %s requests are sampled", "20,000,000"))
	fl.StringSliceVar(&opts.Policies, "policy", sim.DefaultPolicies, "eviction policies to compare: lru, sieve, s3fifo, arc, 2q, lirs, wtinylfu, opt (lru and opt are always shown)")
	return cmd
}

// validate checks the flags before anything is read or printed.
func (o *SimulateOptions) validate() error {
	switch {
	case o.traceSet && o.distSet:
		return cmdutil.Usagef("--trace and --dist both given: replay a trace (--trace FILE) or a synthetic workload (--dist), not both")
	case !o.traceSet && !o.distSet:
		return cmdutil.Usagef("no workload: give --trace FILE (\"-\" for stdin) or --dist zipf|uniform|hotset")
	case o.traceSet && o.Trace == "":
		return cmdutil.Usagef("--trace is empty: give a file name, or \"-\" for stdin")
	case o.distSet && o.Keys < 1:
		return cmdutil.Usagef("--keys %d: the workload needs at least 1 key", o.Keys)
	case o.distSet && o.Keys > maxKeys:
		return cmdutil.Usagef("--keys %d is above the limit of %d distinct keys: use %d or fewer", o.Keys, maxKeys, maxKeys)
	case o.distSet && o.Requests < 1:
		return cmdutil.Usagef("--requests %d: the workload needs at least 1 request", o.Requests)
	case o.distSet && o.Requests > maxRequests:
		return cmdutil.Usagef("--requests %d is above the limit of %d (the workload is held in memory): use %d or fewer, or replay a --trace", o.Requests, maxRequests, maxRequests)
	case o.distSet && o.Dist == sim.DistZipf && !(o.ZipfS > 0):
		return cmdutil.Usagef("--zipf-s %v: the zipf exponent must be greater than 0 (1.01 is typical)", o.ZipfS)
	case len(o.Capacities) > 0 && o.sweepSet:
		return cmdutil.Usagef("--capacity and --sweep both given: list capacities or ask for a sweep, not both")
	case o.Sweep < 1 || o.Sweep > maxCapacities:
		return cmdutil.Usagef("--sweep %d: choose between 1 and %d capacities", o.Sweep, maxCapacities)
	case !(o.Rate > 0):
		return cmdutil.Usagef("--rate %v: the request rate must be greater than 0", o.Rate)
	case !(o.Target > 0 && o.Target <= 1):
		return cmdutil.Usagef("--target-hit-rate %v: give a hit rate above 0 and at most 1, e.g. 0.7", o.Target)
	}
	sampled := o.SampleKeys != 0 || o.SampleRate != 0
	switch {
	case o.SampleKeys != 0 && o.SampleRate != 0:
		return cmdutil.Usagef("--sample-keys and --sample-rate both given: a sample has a fixed size or a fixed rate, not both")
	case o.Exact && sampled:
		return cmdutil.Usagef("--exact with --sample-keys or --sample-rate: choose the exact curve or a sample")
	case o.SampleKeys != 0 && (o.SampleKeys < sim.MinSampleKeys || o.SampleKeys > maxCapacity):
		return cmdutil.Usagef("--sample-keys %d: sample between %d and %d keys (65536 is a good start)", o.SampleKeys, sim.MinSampleKeys, maxCapacity)
	case o.SampleRate != 0 && !(o.SampleRate > 0 && o.SampleRate <= 1):
		return cmdutil.Usagef("--sample-rate %v: give a share of the keys above 0 and at most 1, e.g. 0.01", o.SampleRate)
	case sampled && o.distSet:
		return cmdutil.Usagef("--sample-keys and --sample-rate sample a --trace; a --dist workload is simulated exactly")
	case sampled && o.TTL > 0:
		return cmdutil.Usagef("--sample-keys and --sample-rate estimate the LRU curve without expiry: drop --ttl")
	}
	pols, err := sim.ParsePolicies(o.Policies)
	if err != nil {
		return cmdutil.Usagef("--policy: %v", err)
	}
	o.policies = pols
	switch p := replayedPolicy(pols); {
	case p != "" && sampled:
		return cmdutil.Usagef("--policy %s with a sample: %s is replayed over the whole trace; drop --sample-* or keep --policy lru", p, p)
	case p != "" && o.TTL > 0:
		return cmdutil.Usagef("--policy %s with --ttl: %s is simulated without expiry; drop --ttl or keep --policy lru,opt", p, p)
	}
	if o.Columns != "" {
		if o.Format != sim.FormatCSV && o.Format != sim.FormatTSV {
			return cmdutil.Usagef("--columns is for csv and tsv traces: add --format csv (or tsv)")
		}
		c, err := sim.ParseColumns(o.Columns)
		if err != nil {
			return cmdutil.Usagef("--columns %q: %v", o.Columns, err)
		}
		o.columns = c
	}
	if len(o.Capacities) > maxCapacities {
		return cmdutil.Usagef("--capacity has %d values: give at most %d", len(o.Capacities), maxCapacities)
	}
	o.capacities = o.capacities[:0]
	for _, s := range o.Capacities {
		c, err := parseCapacity(s)
		if err != nil {
			return cmdutil.Usagef("--capacity %q: %v", s, err)
		}
		o.capacities = append(o.capacities, c)
	}
	return nil
}

// parseCapacity reads an item count: digits with an optional k or m suffix.
func parseCapacity(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1_000, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1_000_000, strings.TrimSuffix(t, "m")
	}
	n, err := strconv.Atoi(strings.ReplaceAll(t, "_", ""))
	switch {
	case err != nil:
		return 0, errors.New("not a number of items: use digits, optionally with k or m (e.g. 5000, 10k, 1m)")
	case n < 1:
		return 0, errors.New("a capacity must be at least 1 item")
	case n > maxCapacity/mult:
		return 0, fmt.Errorf("too large: above the limit of %d items (100m)", maxCapacity)
	}
	return n * mult, nil
}

// sampling says whether and how a trace may be sampled: above is the
// length past which it is (0: from the start; -1: never).
func (o *SimulateOptions) sampling() (above int, cfg sim.SampleConfig, reason string) {
	switch {
	case o.SampleKeys > 0:
		return 0, sim.SampleConfig{MaxKeys: o.SampleKeys}, "--sample-keys " + strconv.Itoa(o.SampleKeys)
	case o.SampleRate > 0:
		return 0, sim.SampleConfig{Rate: o.SampleRate}, fmt.Sprintf("--sample-rate %g", o.SampleRate)
	case o.Exact || o.TTL > 0 || replayedPolicy(o.policies) != "":
		return -1, sim.SampleConfig{}, "" // these need the whole trace
	}
	return sim.DefaultSampleAbove, sim.SampleConfig{MaxKeys: sim.DefaultSampleKeys},
		"the trace is longer than 20,000,000 requests (--exact reads it whole)"
}

// loadTrace reads the trace or generates the workload: one of the three
// results is set (a sampler for a sampled trace). Trace problems are usage
// errors: the input is the user's.
func (o *SimulateOptions) loadTrace(ctx context.Context) (*sim.Trace, *sim.Sampler, []uint64, string, error) {
	if o.traceSet {
		tr, closeTrace, err := sim.OpenReader(o.Trace, o.IO.In, sim.ReaderOptions{Format: o.Format, Columns: o.columns})
		var t *sim.Trace
		var sampler *sim.Sampler
		if err == nil {
			if above, cfg, _ := o.sampling(); above < 0 {
				t, err = sim.ReadAllContext(ctx, tr, 0, 0)
			} else {
				t, sampler, err = sim.ReadOrSample(ctx, tr, above, cfg)
			}
			closeTrace()
		}
		if sampler != nil && ctx.Err() != nil {
			err = nil // interrupted while sampling: print what was read
		}
		name := o.Trace
		if name == "-" {
			name = "stdin"
		}
		switch {
		case err != nil && ctx.Err() != nil: // interrupted while reading the whole trace
			return nil, nil, nil, "trace " + name, ctx.Err()
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil, nil, "", cmdutil.Usagef("--trace %s: no such file: check the path (\"-\" reads stdin)", o.Trace)
		case errors.Is(err, fs.ErrPermission):
			return nil, nil, nil, "", cmdutil.Usagef("--trace %s: permission denied: make the file readable", o.Trace)
		case errors.Is(err, sim.ErrEmptyTrace):
			return nil, nil, nil, "", cmdutil.Usagef("--trace %s has no keys: check --format (now %s)", o.Trace, o.Format)
		case errors.Is(err, sim.ErrTooLarge):
			return nil, nil, nil, "", cmdutil.Usagef("--trace: %v: estimate it from a sample instead: drop --exact, or add --sample-keys 65536", err)
		case err != nil:
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, nil, nil, "", cmdutil.Usagef("--trace %s: %v: give a readable trace file", o.Trace, pe.Err)
			}
			return nil, nil, nil, "", cmdutil.Usagef("--trace: %v", err)
		}
		return t, sampler, nil, "trace " + name, nil
	}
	desc := fmt.Sprintf("%s workload, %d keys", o.Dist, o.Keys)
	if o.Dist == sim.DistZipf {
		desc += fmt.Sprintf(", s=%g", o.ZipfS)
	}
	keys, err := sim.GenerateContext(ctx, sim.Workload{Dist: o.Dist, Keys: o.Keys, Requests: o.Requests, ZipfS: o.ZipfS, Seed: o.Seed})
	if err != nil && ctx.Err() == nil {
		return nil, nil, nil, "", cmdutil.Usagef("%v", err)
	}
	return nil, nil, keys, desc, err
}

// runSimulate loads the keys, simulates every capacity and prints the
// result. Interrupted, it prints the capacities finished so far, marked
// partial, and returns context.Canceled (exit 130).
func runSimulate(ctx context.Context, o *SimulateOptions) error {
	trace, sampler, keys, source, err := o.loadTrace(ctx)
	if err != nil && ctx.Err() != nil {
		return o.printInterrupted(source, ctx.Err())
	}
	if err != nil {
		return err
	}
	if sampler != nil {
		return o.printSampled(ctx, sampler, source)
	}
	requests, distinct := len(keys), 0
	if trace != nil {
		requests, distinct = len(trace.IDs), trace.Distinct
	}
	caps := o.capacities
	if len(caps) == 0 {
		if trace == nil {
			_, distinct = sim.DensifyContext(ctx, keys)
			if ctx.Err() != nil {
				return o.printInterrupted(source, ctx.Err())
			}
		}
		caps = sim.SweepCapacities(distinct, o.Sweep)
	}
	if o.IO.ShowProgress() {
		fmt.Fprintf(o.IO.ErrOut, "simulating %d capacities over %d requests…\n", len(caps), requests)
	}
	res, err := sim.Run(ctx, sim.Config{Keys: keys, Trace: trace, Capacities: caps, TTL: o.TTL, Rate: o.Rate, TargetHitRate: o.Target, Policies: o.policies})
	if res == nil {
		return err
	}
	if perr := o.Printer.Print(report.BuildSimulation(source, o.TTL, o.Rate, res)); perr != nil {
		return perr
	}
	return err // nil, or the interruption
}

// printInterrupted prints the empty partial result of a run interrupted
// before the simulation began (while the keys were generated, counted or
// read from a trace held whole),
// and returns the interruption (exit 130): Ctrl-C is answered at once, not
// after the whole workload is drawn.
func (o *SimulateOptions) printInterrupted(source string, cause error) error {
	res := &sim.Result{Requests: o.Requests, TargetHitRate: o.Target, Partial: true, Points: []sim.Point{}}
	if err := o.Printer.Print(report.BuildSimulation(source, o.TTL, o.Rate, res)); err != nil {
		return err
	}
	return cause
}

// printSampled prints the SHARDS estimate at the asked capacities, or a
// sweep up to the estimated distinct keys.
func (o *SimulateOptions) printSampled(ctx context.Context, s *sim.Sampler, source string) error {
	caps := o.capacities
	if len(caps) == 0 {
		caps = sim.SweepCapacities(s.DistinctKeys(), o.Sweep)
	}
	res := s.Result(caps, o.Target)
	res.Partial = ctx.Err() != nil
	_, cfg, reason := o.sampling()
	kind := "fixed-size"
	if cfg.Rate > 0 {
		kind = "fixed-rate"
	}
	if perr := o.Printer.Print(report.BuildSampledSimulation(source, res,
		report.Sampling{Kind: kind, MaxKeys: cfg.MaxKeys, Reason: reason})); perr != nil {
		return perr
	}
	return ctx.Err()
}

// replayedPolicy is the first of pols replayed over the whole trace (every
// policy but exact LRU and the optimum), or "" when there is none.
func replayedPolicy(pols []string) string {
	for _, p := range pols {
		if p != sim.PolicyLRU && p != sim.PolicyOpt {
			return p
		}
	}
	return ""
}
