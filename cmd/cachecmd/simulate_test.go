package cachecmd

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/cache/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run executes "cache <args>" in-process and returns stdout, stderr and
// the error.
func run(t *testing.T, format string, tty bool, stdin string, args ...string) (string, string, error) {
	t.Helper()
	io, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	io.SetTTY(tty, tty)
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
	f.Signals = nil
	if err := f.Global.Output.Set(format); err != nil {
		t.Fatal(err)
	}
	cmd := New(f)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func writeTrace(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	// a hot set of 4 keys interleaved with a scan of 40 cold keys, twice
	for round := range 2 {
		for i := range 40 {
			b.WriteString(itoa(i%4) + "\n")
			b.WriteString(itoa(100+i+round) + "\n")
		}
	}
	p := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)))
}

func TestSimulateGolden(t *testing.T) {
	trace := writeTrace(t)
	tests := []struct {
		name, format string
		tty          bool
	}{
		{"simulate_table.golden", cmdutil.FormatTable, false},
		{"simulate_table_tty.golden", cmdutil.FormatTable, true},
		{"simulate_markdown.golden", cmdutil.FormatMarkdown, false},
		{"simulate_json.golden", cmdutil.FormatJSON, false},
		{"simulate_html.golden", cmdutil.FormatHTML, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, tt.format, tt.tty, "", "simulate", "--trace", trace, "--capacity", "2,4,10,44", "--target-hit-rate", "0.4")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, strings.ReplaceAll(out, trace, "keys.txt"))
		})
	}
}

// Piped output carries no escape sequence; a terminal may get colour.
func TestSimulateColorOnlyOnTTY(t *testing.T) {
	trace := writeTrace(t)
	out, _, err := run(t, cmdutil.FormatTable, false, "", "simulate", "--trace", trace, "--capacity", "4")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatal("piped output contains escape sequences")
	}
}

func TestSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("\n"), 0o644)
	bad := filepath.Join(dir, "bad.zst")
	// zstd magic bytes, then garbage: a corrupt zstd stream
	os.WriteFile(bad, append([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0}, bytes.Repeat([]byte{0xaa}, 64)...), 0o644)
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte("1\n2\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"--trace", filepath.Join(dir, "nope.txt")}, "no such file"},
		{"directory", []string{"--trace", dir}, "give a readable trace file"},
		{"empty trace", []string{"--trace", empty}, "has no keys"},
		{"corrupt zstd", []string{"--trace", bad}, bad},
		{"bad capacity", []string{"--trace", good, "--capacity", "abc"}, `--capacity "abc": not a number`},
		{"zero capacity", []string{"--trace", good, "--capacity", "0"}, "at least 1 item"},
		{"huge capacity", []string{"--trace", good, "--capacity", "5000m"}, "too large"},
		{"both sources", []string{"--trace", good, "--dist", "zipf"}, "not both"},
		{"no source", nil, "no workload"},
		{"capacity and sweep", []string{"--trace", good, "--capacity", "1", "--sweep", "3"}, "not both"},
		{"bad sweep", []string{"--trace", good, "--sweep", "0"}, "--sweep 0"},
		{"bad keys", []string{"--dist", "uniform", "--keys", "0"}, "--keys 0"},
		{"bad requests", []string{"--dist", "uniform", "--requests", "-1"}, "--requests -1"},
		{"requests above the limit", []string{"--dist", "zipf", "--requests", "2000000000"}, "--requests 2000000000 is above the limit of 50000000"},
		{"keys above the limit", []string{"--dist", "zipf", "--keys", "2000000000"}, "--keys 2000000000 is above the limit of 50000000"},
		{"capacity above the limit", []string{"--trace", good, "--capacity", "2000m"}, "above the limit of 100000000 items"},
		{"bad zipf", []string{"--dist", "zipf", "--zipf-s", "-1"}, "--zipf-s -1"},
		{"bad rate", []string{"--trace", good, "--rate", "-2"}, "--rate -2"},
		{"bad target", []string{"--trace", good, "--target-hit-rate", "0"}, "--target-hit-rate 0"},
		{"empty trace name", []string{"--trace", ""}, "--trace is empty"},
		{"unknown policy", []string{"--trace", good, "--policy", "lru,lfu"}, `unknown policy "lfu": use lru, sieve, s3fifo, arc, 2q, lirs, wtinylfu, opt`},
		{"policy with ttl", []string{"--trace", good, "--policy", "s3fifo", "--ttl", "1s"}, "--policy s3fifo with --ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, cmdutil.FormatTable, false, "", append([]string{"simulate"}, tt.args...)...)
			var ue *cmdutil.UsageError
			if !errors.As(err, &ue) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Fatalf("err = %v (%T), want a usage error (exit 2)", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %q, want it to contain %q", err, tt.want)
			}
			if out != "" {
				t.Fatalf("stdout written before the error: %q", out)
			}
		})
	}
}

func TestSimulateStdinAndSynthetic(t *testing.T) {
	out, _, err := run(t, cmdutil.FormatJSON, false, "1\n2\n1\n2\n", "simulate", "--trace", "-", "--capacity", "1,2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"source": "trace stdin"`) || !strings.Contains(out, `"hits": 2`) {
		t.Fatalf("stdin trace output:\n%s", out)
	}
	out, _, err = run(t, cmdutil.FormatTable, false, "", "simulate", "--dist", "uniform", "--keys", "100", "--requests", "2000", "--sweep", "3")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "uniform workload, 100 keys") {
		t.Fatalf("synthetic output:\n%s", out)
	}
}

// The shared LIRS traces, when present, run end to end.
func TestSimulateSharedTrace(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "traces", "multi1.trace.gz")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared trace %s not present", p)
	}
	out, _, err := run(t, cmdutil.FormatJSON, false, "", "simulate", "--trace", p, "--sweep", "5")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains([]byte(out), []byte(`"distinct_keys": 2606`)) {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

// runSimulate with a context cancelled mid-run prints the partial result
// and returns the cancellation, which maps to exit code 130.
func TestRunSimulateCancelled(t *testing.T) {
	io, _, out, _ := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
	if err := f.Global.Output.Set("json"); err != nil {
		t.Fatal(err)
	}
	o := &SimulateOptions{IO: io, Printer: f.Printer(), Dist: "uniform", Keys: 30_000, Requests: 300_000,
		Seed: 1, Sweep: 20, TTL: time.Hour, Rate: defaultRate, Target: defaultTarget, distSet: true}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	err := runSimulate(ctx, o)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitInterrupted {
		t.Fatalf("err = %v (exit %d), want an interruption (130)", err, code)
	}
	if !strings.Contains(out.String(), `"partial": true`) {
		t.Errorf("the output is not marked partial:\n%s", out)
	}
}

// Interrupted before the simulation began — while the 50 million keys of
// the largest workload are drawn — runSimulate still prints the (empty)
// partial result and returns the interruption. The drawing gives up at
// once (sim.GenerateContext, tested there); before #18 it ran to the end.
func TestRunSimulateCancelledWhileGenerating(t *testing.T) {
	io, _, out, _ := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
	if err := f.Global.Output.Set("json"); err != nil {
		t.Fatal(err)
	}
	o := &SimulateOptions{IO: io, Printer: f.Printer(), Dist: "zipf", ZipfS: 1.01, Keys: 5_000_000, Requests: 50_000_000,
		Seed: 1, Sweep: 20, Rate: defaultRate, Target: defaultTarget, distSet: true}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := runSimulate(ctx, o)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitInterrupted {
		t.Fatalf("err = %v (exit %d), want an interruption (130)", err, code)
	}
	for _, want := range []string{`"partial": true`, `"points": []`, `"requests": 50000000`, `"source": "zipf workload, 5000000 keys, s=1.01"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// TestSamplingNeedsWholeTrace: a trace is sampled past its bound only when
// nothing asked needs it whole: not --exact, a TTL or any policy replayed
// over the trace (one given alone too, not only beside lru and opt).
func TestSamplingNeedsWholeTrace(t *testing.T) {
	tests := []struct {
		name  string
		o     SimulateOptions
		above int
	}{
		{"default", SimulateOptions{policies: []string{sim.PolicyLRU, sim.PolicyOpt}}, sim.DefaultSampleAbove},
		{"lru only", SimulateOptions{policies: []string{sim.PolicyLRU}}, sim.DefaultSampleAbove},
		{"exact", SimulateOptions{Exact: true}, -1},
		{"ttl", SimulateOptions{TTL: time.Second}, -1},
		{"sieve alone", SimulateOptions{policies: []string{sim.PolicySIEVE}}, -1},
		{"sieve beside lru", SimulateOptions{policies: []string{sim.PolicyLRU, sim.PolicySIEVE}}, -1},
		{"arc beside lru and opt", SimulateOptions{policies: []string{sim.PolicyLRU, sim.PolicyARC, sim.PolicyOpt}}, -1},
		{"--sample-keys", SimulateOptions{SampleKeys: 1024}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if above, _, _ := tt.o.sampling(); above != tt.above {
				t.Errorf("sampling() above = %d, want %d", above, tt.above)
			}
		})
	}
}
