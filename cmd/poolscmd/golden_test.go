package poolscmd

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/target"
	"github.com/resync-dev/resync/pkg/workload"
	"github.com/resync-dev/resync/pkg/workload/sizing"
	"github.com/resync-dev/resync/pkg/workload/usl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture is a finished recommend run: a server limited to 6 concurrent
// requests, swept up to 16 and refined between 4 and 8, and an unreachable
// Redis.
func fixture() []*recommendRun {
	pc := config.Defaults().Pools
	step := func(n int, phase string, x, gain float64) sizing.Step {
		return sizing.Step{Size: n, Phase: phase, Runs: 1, Throughput: x, LatencyP50Ms: 40, LatencyP99Ms: 64000 / x,
			AcquireWaitP99Ms: 60000 / x, AcquireWaitMeanMs: 30000 / x, HoldMeanMs: 20 * max(1, float64(n)/6),
			Utilization: 0.98, Operations: uint64(x * 2), Gain: gain}
	}
	confirmed := func(s sizing.Step) sizing.Step { s.Runs = 2; return s }
	res := &sizing.Result{
		Name: "http", Kind: "http", Target: "http://api.internal:8080/health",
		ConfiguredMax: 16, SweepMax: 16, Concurrency: 32, StepSeconds: 2, WaitP99Ms: 100,
		Steps: []sizing.Step{
			step(1, sizing.PhaseSweep, 50, 0), step(2, sizing.PhaseSweep, 100, 1), step(4, sizing.PhaseSweep, 200, 1),
			confirmed(step(5, sizing.PhaseRefine, 250, 0)), step(6, sizing.PhaseRefine, 298, 0),
			step(8, sizing.PhaseSweep, 300, 0.5), step(16, sizing.PhaseSweep, 299, -0.003),
		},
		StopReason:     "reached the sweep's max size 16",
		PeakThroughput: 300, PeakSize: 8,
		Fit:          &sizing.Fit{Model: usl.Model{Lambda: 52, Sigma: 0.08, Kappa: 0.002, R2: 0.97}, PeakN: 20.3, PeakThroughput: 365},
		ExpectedRate: 150, ExpectedRateDefaulted: true,
		Checks:    []sizing.Check{{Size: 6, Rate: 150, Throughput: 150, LatencyP99Ms: 24, AcquireWaitP99Ms: 0.02, HoldMeanMs: 20.4, Utilization: 0.51, Passed: true}},
		Instances: 1, Warnings: []string{}, Confidence: "high",
		Recommendation: &sizing.Recommendation{Max: 6, Min: 4, WaitMet: true, DecidedBy: "sweep",
			MaxReason: "6 is the smallest size reaching 95 % of the peak measured throughput 300 ops/s (size 6: 298 ops/s), and its acquire-wait p99 at 150 ops/s is 0.020 ms ≤ 100 ms",
			MinReason: "Little's law: 150 ops/s × 20.4 ms mean hold (at 150 ops/s with size 6) = 3.06 connections busy on average, × 1.2 headroom → 4"},
	}
	return []*recommendRun{
		{t: poolTarget{Target: target.Target{Name: "http", Kind: target.HTTP, URL: "http://api.internal:8080/health"}, Pool: pc.HTTP}, result: res},
		{t: poolTarget{Target: target.Target{Name: "redis", Kind: target.Redis, URL: "redis://:s3cret@cache:6379/0"}, Pool: pc.Redis},
			err: errors.New("connection refused by 10.0.0.9:6379: dial tcp 10.0.0.9:6379: connect: connection refused")},
	}
}

func TestRecommendGolden(t *testing.T) {
	for _, format := range output.Formats {
		t.Run(string(format), func(t *testing.T) {
			io, _, out, _ := cmdutil.Test()
			o := &RecommendOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: format}}
			started := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
			if err := o.Printer.Print(sizingResult(fixture(), started, false, false)); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out.Bytes(), []byte("s3cret")) {
				t.Fatal("password in the output")
			}
			golden(t, "recommend."+string(format)+".golden", out.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestFmtCount(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.4: "1,234,567", -4500: "-4,500"} {
		if got := output.Count(in); got != want {
			t.Errorf("output.Count(%v) = %q, want %q", in, got, want)
		}
	}
}

// Progress is drawn on stderr only when it is a terminal and --quiet is off.
func TestProgressOnlyOnTerminal(t *testing.T) {
	tests := []struct {
		tty, quiet, want bool
	}{{true, false, true}, {false, false, false}, {true, true, false}}
	for _, tt := range tests {
		io, _, out, errOut := cmdutil.Test()
		io.SetTTY(false, tt.tty)
		io.Quiet = tt.quiet
		p := newProgress(io, time.Second, 10*time.Second)
		p.update(workload.Progress{Name: "redis", Elapsed: 3 * time.Second, Ops: 300, Rate: 1234.4})
		p.event(sizing.Event{Name: "database", Phase: sizing.PhaseSweep, Size: 4})
		p.done()
		got := errOut.String()
		if drawn := strings.Contains(got, "3s / 10s · redis 1,234/s") && strings.Contains(got, "database: sweep size 4"); drawn != tt.want {
			t.Errorf("tty %v quiet %v: progress %q", tt.tty, tt.quiet, got)
		}
		if out.Len() != 0 {
			t.Errorf("progress went to stdout: %q", out.String())
		}
	}
}
