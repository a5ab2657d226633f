package cmdutil

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestWorkloadFlags(t *testing.T) {
	all := WorkloadDuration | WorkloadWarmup | WorkloadConcurrency | WorkloadRate | WorkloadRequests |
		WorkloadKeys | WorkloadSeed | WorkloadOpTimeout
	tests := []struct {
		name     string
		which    WorkloadFlag
		unbound  WorkloadFlag
		args     []string
		parseErr string // from the flag's type, while parsing
		checkErr string // from Check
		want     func(w *WorkloadFlags) bool
	}{
		{name: "defaults", which: all, want: func(w *WorkloadFlags) bool {
			d := DefaultWorkloadFlags()
			return w.Duration == d.Duration && w.Concurrency == d.Concurrency && w.Dist == "zipf" && w.Seed == 1
		}},
		{name: "values", which: all, args: []string{"--duration", "90", "--warmup", "2s", "--concurrency", "4",
			"--rate", "250", "--requests", "10", "--keys", "50", "--dist", "Uniform", "--seed", "7", "--timeout", "1s"},
			want: func(w *WorkloadFlags) bool {
				return w.Duration == 90*time.Second && w.Warmup == 2*time.Second && w.Concurrency == 4 && w.Rate == 250 &&
					w.Requests == 10 && w.Keys == 50 && w.Dist == "uniform" && w.Seed == 7 && w.OpTimeout == time.Second
			}},
		{name: "old --distribution", which: all, args: []string{"--distribution", "hotset"},
			want: func(w *WorkloadFlags) bool { return w.Dist == "hotset" }},
		{name: "bad duration", which: all, args: []string{"--duration", "soon"}, parseErr: `"soon" is not a duration`},
		{name: "bad dist", which: all, args: []string{"--dist", "pareto"}, parseErr: "zipf, uniform, hotset"},
		{name: "bad concurrency type", which: all, args: []string{"--concurrency", "many"}, parseErr: "--concurrency"},
		{name: "undeclared", which: WorkloadDuration, args: []string{"--rate", "5"}, parseErr: "unknown flag: --rate"},
		{name: "zero concurrency", which: all, args: []string{"--concurrency", "0"},
			checkErr: "--concurrency 0: use 1 or more workers (WORKLOAD.CONCURRENCY)"},
		{name: "zero concurrency, unbound", which: all, unbound: WorkloadConcurrency, args: []string{"--concurrency", "0"},
			checkErr: "--concurrency 0: use 1 or more workers"},
		{name: "negative rate", which: all, args: []string{"--rate", "-5"}, checkErr: "--rate -5"},
		{name: "NaN rate", which: all, args: []string{"--rate", "NaN"}, checkErr: "--rate NaN"},
		{name: "rate above the limit", which: all, args: []string{"--rate", "1e12"},
			checkErr: "--rate 1e+12 is above the limit of 1e+06 operations per second per target"},
		{name: "rate at the limit", which: all, args: []string{"--rate", "1e6"},
			want: func(w *WorkloadFlags) bool { return w.Rate == MaxRate }},
		{name: "concurrency above the limit", which: all, args: []string{"--concurrency", "1000000"},
			checkErr: "--concurrency 1000000 is above the limit of 10000 per target"},
		{name: "concurrency at the limit", which: all, args: []string{"--concurrency", "10000"},
			want: func(w *WorkloadFlags) bool { return w.Concurrency == MaxConcurrency }},
		{name: "requests above the limit", which: all, args: []string{"--requests", "9223372036854775807"},
			checkErr: "--requests 9223372036854775807 is above the limit of 1000000000 per target"},
		{name: "zero keys", which: all, args: []string{"--keys", "0"}, checkErr: "--keys 0"},
		{name: "zero timeout", which: all, args: []string{"--timeout", "0"}, checkErr: "--timeout must be greater than zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			fs.SetOutput(&bytes.Buffer{})
			w := DefaultWorkloadFlags()
			w.Unbound = tt.unbound
			w.Register(fs, tt.which)
			err := fs.Parse(tt.args)
			if tt.parseErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.parseErr) {
					t.Fatalf("Parse error = %v, want %q", err, tt.parseErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = w.Check()
			if tt.checkErr != "" {
				var ue *UsageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.checkErr) {
					t.Fatalf("Check error = %v, want a usage error with %q", err, tt.checkErr)
				}
				if tt.unbound != 0 && strings.Contains(err.Error(), "WORKLOAD.") {
					t.Errorf("an unbound flag's error names a setting: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if !tt.want(w) {
				t.Errorf("values %+v", w)
			}
		})
	}
}

func TestWorkloadBindings(t *testing.T) {
	tests := []struct {
		name    string
		which   WorkloadFlag
		unbound WorkloadFlag
		want    []string
	}{
		{"report", WorkloadDuration | WorkloadWarmup | WorkloadConcurrency | WorkloadRate | WorkloadKeys | WorkloadSeed, 0,
			[]string{"concurrency", "dist", "distribution", "duration", "keys", "rate"}},
		{"recommend", WorkloadConcurrency | WorkloadOpTimeout, WorkloadConcurrency, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := DefaultWorkloadFlags()
			w.Unbound = tt.unbound
			w.Register(pflag.NewFlagSet("test", pflag.ContinueOnError), tt.which)
			b := w.Bindings()
			if got := slices.Sorted(maps.Keys(b)); !slices.Equal(got, tt.want) {
				t.Errorf("bound flags %v, want %v", got, tt.want)
			}
			if len(b) > 0 && (b["dist"] != "WORKLOAD.DISTRIBUTION" || b["distribution"] != b["dist"]) {
				t.Errorf("--dist and --distribution bind %q and %q", b["dist"], b["distribution"])
			}
		})
	}
}

// --distribution is hidden from help and warns when used.
func TestDistributionIsDeprecated(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	DefaultWorkloadFlags().Register(fs, WorkloadKeys)
	if strings.Contains(fs.FlagUsages(), "--distribution") {
		t.Errorf("--distribution is in the help:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse([]string{"--distribution", "uniform"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "use --dist") {
		t.Errorf("no deprecation warning: %q", out.String())
	}
}

// TestWorkloadThresholds: --threshold is repeatable, keeps commas, replaces
// WORKLOAD.THRESHOLDS when given, and a bad one is a usage error naming
// where it came from.
func TestWorkloadThresholds(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		configured []string
		want       []string // the expressions parsed
		err        string
	}{
		{name: "none", want: []string{}},
		{name: "configured", configured: []string{"*.error_rate<1%"}, want: []string{"*.error_rate<1%"}},
		{name: "flags replace the setting", args: []string{"--threshold", "redis.p99<5ms", "--threshold", "*.score>=70"},
			configured: []string{"*.error_rate<1%"}, want: []string{"redis.p99<5ms", "*.score>=70"}},
		{name: "bad flag", args: []string{"--threshold", "redis.p999<5ms"},
			err: `unknown metric "p999" in --threshold 'redis.p999<5ms'; metrics: p50,`},
		{name: "bad setting", configured: []string{"redis.p99=5ms"}, err: `unknown operator "=" in WORKLOAD.THRESHOLDS 'redis.p99=5ms'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			w := DefaultWorkloadFlags()
			w.Register(fs, WorkloadThreshold)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			ts, err := w.Thresholds(tt.configured)
			if tt.err != "" {
				var usage *UsageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Thresholds() error = %v, want a usage error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, th := range ts {
				got = append(got, th.Expr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Thresholds() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestThresholdFailure(t *testing.T) {
	if err := ThresholdFailure(nil); err != nil {
		t.Errorf("no results, no reasons: %v", err)
	}
	err := ThresholdFailure(nil, "overall health is critical (--fail-on critical)")
	if ExitCode(err) != ExitFinding || err.Error() != "overall health is critical (--fail-on critical)" {
		t.Errorf("reasons only: %v (exit %d)", err, ExitCode(err))
	}
}
