package cmdutil

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/threshold"
	"github.com/resync-dev/resync/pkg/workload"
)

// Upper bounds of the workload flags. Past them a run would not measure
// anything more, only exhaust memory (the open model's backlog is sized
// from --rate, the closed model starts one goroutine per worker).
const (
	// MaxRate is the largest --rate: arrivals per second per target.
	MaxRate = config.MaxWorkloadRate
	// MaxConcurrency is the largest --concurrency: workers or operations in
	// flight per target.
	MaxConcurrency = config.MaxWorkloadConcurrency
	// MaxRequests is the largest --requests: operations per target.
	MaxRequests = 1_000_000_000
)

// WorkloadFlag selects which workload flags a command takes.
type WorkloadFlag uint

// The workload flags. Each setting has one name in every command.
const (
	WorkloadDuration    WorkloadFlag = 1 << iota // --duration (WORKLOAD.DURATION)
	WorkloadWarmup                               // --warmup
	WorkloadConcurrency                          // --concurrency (WORKLOAD.CONCURRENCY)
	WorkloadRate                                 // --rate (WORKLOAD.RATE)
	WorkloadRequests                             // --requests
	WorkloadKeys                                 // --keys (WORKLOAD.KEYS) and --dist (WORKLOAD.DISTRIBUTION)
	WorkloadSeed                                 // --seed
	WorkloadOpTimeout                            // --timeout
	WorkloadThreshold                            // --threshold (WORKLOAD.THRESHOLDS), repeatable
)

// workloadKeys are the configuration keys the bound flags override; the
// others have no key and are read from WorkloadFlags alone.
var workloadKeys = []struct {
	flag  WorkloadFlag
	name  string
	key   string
	alias string // a deprecated second name, bound to the same key
}{
	{WorkloadDuration, "duration", "WORKLOAD.DURATION", ""},
	{WorkloadConcurrency, "concurrency", "WORKLOAD.CONCURRENCY", ""},
	{WorkloadRate, "rate", "WORKLOAD.RATE", ""},
	{WorkloadKeys, "keys", "WORKLOAD.KEYS", ""},
	{WorkloadKeys, "dist", "WORKLOAD.DISTRIBUTION", "distribution"},
}

// WorkloadFlags declares, type-checks and binds the workload flags of the
// load commands (report, pools stats, pools recommend) in one place.
//
// The fields hold the flags' values. Fields set before Register are the
// flags' defaults (DefaultWorkloadFlags has the configuration's). The bound
// settings (Bindings) reach the command through the configuration, which
// layers them over the environment and settings file: read them from
// config.Config.Workload, not from here.
type WorkloadFlags struct {
	Duration    time.Duration // --duration: the measured time, after the warm-up
	Warmup      time.Duration // --warmup: run first, excluded from every figure
	Concurrency int           // --concurrency: workers (closed model) or most in flight (open model)
	Rate        float64       // --rate: arrivals per second per target; 0 = closed model
	Requests    uint64        // --requests: operations per target, the warm-up's included; 0 = --duration
	Keys        int           // --keys: the key space of the cached workload
	Dist        string        // --dist: zipf, uniform or hotset
	Seed        uint64        // --seed: the key sequence's random seed
	OpTimeout   time.Duration // --timeout: bound on one operation once it has a connection
	// Threshold holds each --threshold as given; Thresholds parses them
	// (or WORKLOAD.THRESHOLDS when none was given).
	Threshold []string

	// Unbound lists registered flags that the command interprets itself
	// rather than as the WORKLOAD setting of the same name ("pools
	// recommend" --concurrency: the saturating load of a sweep).
	Unbound WorkloadFlag

	which WorkloadFlag
	fs    *pflag.FlagSet
	dist  *EnumValue
}

// DefaultWorkloadFlags returns the flags' defaults: the documented defaults
// of the WORKLOAD settings and of pkg/workload.
func DefaultWorkloadFlags() *WorkloadFlags {
	return &WorkloadFlags{
		Duration: config.DefaultWorkloadDuration, Concurrency: config.DefaultWorkloadConcurrency,
		Keys: config.DefaultWorkloadKeys, Dist: config.DefaultWorkloadDistribution,
		Seed: 1, OpTimeout: workload.DefaultOpTimeout,
	}
}

// Register declares the chosen flags on fs, each with the value already in
// w as its default. A command with its own meaning for a flag may refine
// its usage text afterwards (fs.Lookup(name).Usage).
func (w *WorkloadFlags) Register(fs *pflag.FlagSet, which WorkloadFlag) {
	w.which, w.fs = which, fs
	if which&WorkloadDuration != 0 {
		fs.Var(NewDuration(&w.Duration, w.Duration), "duration",
			"measured time of the workload, after --warmup (Go duration or seconds); overrides WORKLOAD.DURATION")
	}
	if which&WorkloadWarmup != 0 {
		fs.Var(NewDuration(&w.Warmup, w.Warmup), "warmup", "time run first and excluded from every figure")
	}
	if which&WorkloadConcurrency != 0 {
		fs.IntVar(&w.Concurrency, "concurrency", w.Concurrency,
			fmt.Sprintf("workers per target (closed model), or the most operations in flight (open model), at most %d; overrides WORKLOAD.CONCURRENCY", MaxConcurrency))
	}
	if which&WorkloadRate != 0 {
		fs.Float64Var(&w.Rate, "rate", w.Rate,
			fmt.Sprintf("operations per second per target: the open model (0: closed model), at most %g; overrides WORKLOAD.RATE", float64(MaxRate)))
	}
	if which&WorkloadRequests != 0 {
		fs.Uint64Var(&w.Requests, "requests", w.Requests,
			fmt.Sprintf("stop after this many operations per target, the warm-up's included, at most %d (0: run for --duration)", MaxRequests))
	}
	if which&WorkloadKeys != 0 {
		fs.IntVar(&w.Keys, "keys", w.Keys, "key space of the cached workload; overrides WORKLOAD.KEYS")
		w.dist = NewEnum(w.Dist, workload.DistZipf, workload.DistUniform, workload.DistHotset)
		fs.Var(w.dist, "dist", "key distribution of the cached workload: zipf, uniform or hotset; overrides WORKLOAD.DISTRIBUTION")
		// The old name of --dist in "pools stats": kept for old scripts,
		// hidden from help, with a warning on stderr when used.
		fs.Var(w.dist, "distribution", "the old name of --dist")
		_ = fs.MarkDeprecated("distribution", "use --dist")
	}
	if which&WorkloadSeed != 0 {
		fs.Uint64Var(&w.Seed, "seed", w.Seed, "random seed of the workload's key sequence (same seed, same keys)")
	}
	if which&WorkloadOpTimeout != 0 {
		fs.Var(NewDuration(&w.OpTimeout, w.OpTimeout), "timeout",
			"bound on one operation once it has a connection (the wait for one is bounded by the pool's CONNECT_TIMEOUT)")
	}
	if which&WorkloadThreshold != 0 {
		fs.StringArrayVar(&w.Threshold, "threshold", w.Threshold,
			"exit 3 unless `EXPR` (SUBJECT.METRIC OP VALUE) holds on the final figures, e.g. 'redis.p99<5ms', '*.error_rate<1%'; repeatable; replaces WORKLOAD.THRESHOLDS (docs/thresholds.md)")
	}
}

// Thresholds parses the --threshold flags or, when none was given, the
// configured WORKLOAD.THRESHOLDS (config.Config.Workload.Thresholds); a bad
// expression is a usage error naming it, its token and the choices.
func (w *WorkloadFlags) Thresholds(configured []string) ([]threshold.Threshold, error) {
	exprs, source := w.Threshold, "--threshold"
	if w.fs == nil || !w.fs.Changed("threshold") {
		exprs, source = configured, "WORKLOAD.THRESHOLDS"
	}
	ts, err := threshold.ParseAll(exprs, source)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	return ts, nil
}

// Bindings maps the registered flags that override a configuration key to
// that key, for Factory.Config.
func (w *WorkloadFlags) Bindings() map[string]string {
	out := map[string]string{}
	for _, k := range workloadKeys {
		if w.which&k.flag == 0 || w.Unbound&k.flag != 0 {
			continue
		}
		out[k.name] = k.key
		if k.alias != "" {
			out[k.alias] = k.key
		}
	}
	return out
}

// Check rejects values the flags' types accept but that make no run, naming
// the flag. It looks only at flags given on the command line: the
// configuration validates its own values. Call it before anything else
// happens.
func (w *WorkloadFlags) Check() error {
	set := func(name string) bool { return w.fs != nil && w.fs.Changed(name) }
	key := func(f WorkloadFlag, name string) string {
		if w.Unbound&f != 0 {
			return ""
		}
		return " (" + name + ")"
	}
	switch {
	case w.which&WorkloadConcurrency != 0 && set("concurrency") && w.Concurrency < 1:
		return Usagef("--concurrency %d: use 1 or more workers%s", w.Concurrency, key(WorkloadConcurrency, "WORKLOAD.CONCURRENCY"))
	case w.which&WorkloadConcurrency != 0 && set("concurrency") && w.Concurrency > MaxConcurrency:
		return Usagef("--concurrency %d is above the limit of %d per target: use %d or fewer", w.Concurrency, MaxConcurrency, MaxConcurrency)
	case w.which&WorkloadRate != 0 && set("rate") && (w.Rate < 0 || math.IsNaN(w.Rate) || math.IsInf(w.Rate, 0)):
		return Usagef("--rate %v: use 0 (closed model) or a positive number of operations per second", w.Rate)
	case w.which&WorkloadRate != 0 && set("rate") && w.Rate > MaxRate:
		return Usagef("--rate %g is above the limit of %g operations per second per target: use %g or less", w.Rate, float64(MaxRate), float64(MaxRate))
	case w.which&WorkloadRequests != 0 && set("requests") && w.Requests > MaxRequests:
		return Usagef("--requests %d is above the limit of %d per target: use %d or fewer, or --duration", w.Requests, MaxRequests, MaxRequests)
	case w.which&WorkloadKeys != 0 && set("keys") && w.Keys < 1:
		return Usagef("--keys %d: the cached workload needs at least 1 key (WORKLOAD.KEYS)", w.Keys)
	case w.which&WorkloadOpTimeout != 0 && w.OpTimeout <= 0:
		return Usagef("--timeout must be greater than zero")
	}
	if w.dist != nil {
		w.Dist = w.dist.String()
	}
	return nil
}

// ThresholdFailure is the *FindingError (exit 3) naming the thresholds
// that failed, after also the reasons of the command's other gates
// (--fail-on, --fail-under-score); nil when nothing failed.
func ThresholdFailure(rs []threshold.Result, reasons ...string) error {
	if why := threshold.Verdict(rs); why != "" {
		reasons = append(reasons, why)
	}
	if len(reasons) == 0 {
		return nil
	}
	return &FindingError{Reason: strings.Join(reasons, "; ")}
}
