package reportcmd_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/shard"
	"github.com/resync-dev/resync/pkg/workload"
)

// poolMetrics is the metrics object of pool name in a report JSON.
func poolMetrics(t *testing.T, out, name string) map[string]any {
	t.Helper()
	var rep struct {
		Pools map[string]struct {
			Metrics map[string]any `json:"metrics"`
		} `json:"connection_pools"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	p, ok := rep.Pools[name]
	if !ok {
		t.Fatalf("no pool %q in\n%s", name, out)
	}
	return p.Metrics
}

// TestShardedRunMergesLikeOneRun runs the same workload against the real
// Redis as one run and as three shards, merges the shards and compares:
// operations add up to the unsharded run's, and the merged percentiles are
// those of one histogram fed with every shard's values.
func TestShardedRunMergesLikeOneRun(t *testing.T) {
	url := testenv.RedisURL(t)
	dir := t.TempDir()
	load := []string{"pools", "stats", "--redis", url, "--requests", "600", "--warmup", "0", "--concurrency", "6", "-o", "json"}
	one := run(t, nil, append(load, "--result-out", filepath.Join(dir, "one.json"))...)
	if one.code != 0 {
		t.Fatalf("unsharded run: exit %d\n%s", one.code, one.stderr)
	}
	var paths []string
	for i := 1; i <= 3; i++ {
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		r := run(t, nil, append(load, "--shard", fmt.Sprintf("%d/3", i), "--result-out", p)...)
		if r.code != 0 {
			t.Fatalf("shard %d/3: exit %d\n%s", i, r.code, r.stderr)
		}
		if got := poolMetrics(t, r.stdout, "redis")["operations"]; got != 200.0 {
			t.Errorf("shard %d/3 ran %v operations, want 200 (a third of 600)", i, got)
		}
		paths = append(paths, p)
	}
	merged := run(t, nil, append([]string{"report", "merge", "-o", "json"}, paths[2], paths[0], paths[1])...)
	if merged.code != 0 {
		t.Fatalf("merge: exit %d\n%s", merged.code, merged.stderr)
	}
	validateJSON(t, merged.stdout)
	m, single := poolMetrics(t, merged.stdout, "redis"), poolMetrics(t, one.stdout, "redis")
	for _, k := range []string{"operations", "acquire_count"} {
		if m[k] != single[k] || m[k] != 600.0 {
			t.Errorf("%s: merged %v, unsharded %v, want 600 both", k, m[k], single[k])
		}
	}

	// One histogram fed with all three shards' latencies.
	all := workload.NewHistogram()
	for _, p := range paths {
		f, err := shard.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		h := decodeLatency(t, f)
		if d := all.Merge(h); d != 0 {
			t.Fatalf("%d values dropped", d)
		}
	}
	q, _ := workload.LatencyOf(all)
	lat := m["latency_ms"].(map[string]any)
	r3 := func(v float64) float64 { return math.Round(v*1000) / 1000 }
	if lat["p50"] != r3(q.P50) || lat["p99"] != r3(q.P99) || lat["max"] != r3(q.Max) {
		t.Errorf("merged latency %v, want p50 %v p99 %v max %v (one histogram of all values)", lat, r3(q.P50), r3(q.P99), r3(q.Max))
	}
}

func decodeLatency(t *testing.T, f *shard.File) *hdrHistogram {
	t.Helper()
	for _, p := range f.Pools {
		if p.Workload != nil && p.Workload.Latency != nil {
			h, err := decodeHDR(p.Workload.Latency.HDR)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
	}
	t.Fatal("no latency histogram in the file")
	return nil
}

// TestMergedExitCodeMatchesOneRun: the thresholds a single run fails
// fail the merge of its shards too, with the same exit code.
func TestMergedExitCodeMatchesOneRun(t *testing.T) {
	url := testenv.RedisURL(t)
	dir := t.TempDir()
	load := []string{"report", "--redis", url, "--duration", "1s", "--concurrency", "2", "-o", "json"}
	single := run(t, nil, append(load, "--fail-under-score", "100")...)
	if single.code != 3 {
		t.Fatalf("single run under --fail-under-score 100: exit %d, want 3\n%s", single.code, single.stderr)
	}
	var paths []string
	for i := 1; i <= 2; i++ {
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if r := run(t, nil, append(load, "--shard", fmt.Sprintf("%d/2", i), "--result-out", p)...); r.code != 0 {
			t.Fatalf("shard %d/2: exit %d\n%s", i, r.code, r.stderr)
		}
		paths = append(paths, p)
	}
	if r := run(t, nil, append([]string{"report", "merge", "--fail-under-score", "100"}, paths...)...); r.code != single.code {
		t.Errorf("merge under --fail-under-score 100: exit %d, want %d as the single run\n%s", r.code, single.code, r.stderr)
	}
	if r := run(t, nil, append([]string{"report", "merge", "--threshold", "redis.p99<0ms"}, paths...)...); r.code != 3 ||
		!strings.Contains(r.stdout, "redis.p99") {
		t.Errorf("merge under --threshold redis.p99<0ms: exit %d, want 3 with the check listed\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, append([]string{"report", "merge"}, paths...)...); r.code != 0 {
		t.Errorf("merge without thresholds: exit %d, want 0\n%s", r.code, r.stderr)
	}
}

// TestMergeBadInput: inputs that cannot be merged exit 2 naming the files.
func TestMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	s1 := filepath.Join(dir, "s1.json")
	if r := run(t, nil, "report", "--duration", "200ms", "--concurrency", "2", "--shard", "1/2", "--result-out", s1, "-q"); r.code != 0 {
		t.Fatalf("shard 1/2: exit %d\n%s", r.code, r.stderr)
	}
	rep := filepath.Join(dir, "report.json")
	if err := os.WriteFile(rep, []byte(`{"schema_version": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", nil, "report merge needs the result files"},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "nope.json: no such file"},
		{"a report, not a result", []string{rep}, "report.json: kind \"\" is not \"resync-result\""},
		{"missing shard", []string{s1}, "s1.json: shard 2/2 is missing"},
		{"repeated shard", []string{s1, s1}, "s1.json, " + s1 + ": both are shard 1/2"},
		{"bad --fail-on", []string{"--fail-on", "sometimes", s1}, "--fail-on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, append([]string{"report", "merge"}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
}

// TestShardFlagsRefused: --shard and --result-out mean nothing in observe
// mode, and a shard needs a worker.
func TestShardFlagsRefused(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"report", "--observe", "1s", "--result-out", "r.json"}, "--observe sends no workload"},
		{[]string{"report", "--shard", "1/4", "--concurrency", "2"}, "--concurrency 2 gives this shard no worker"},
		{[]string{"pools", "stats", "--redis", "redis://127.0.0.1:1/0", "--shard", "1/4", "--requests", "2"}, "--requests 2 gives this shard none"},
		{[]string{"report", "--start-at", "2027-01-01T00:00:00Z"}, "more than 24h0m0s"},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestStartAtUsesTheWallClock: --start-at is waited for by the wall clock,
// not the report's (injected) clock. A time just past starts at once with a
// warning; a signal after a few seconds only ends a run that wrongly waits.
func TestStartAtUsesTheWallClock(t *testing.T) {
	sig := make(chan os.Signal, 2)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-time.After(20 * time.Second):
			sig <- os.Interrupt
		case <-done:
		}
	}()
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	r := run(t, sig, "report", "--duration", "200ms", "--concurrency", "2", "--start-at", past, "-o", "json")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: --start-at "+past+" passed") {
		t.Errorf("exit %d, stderr %q; want 0 and the warning that the start passed", r.code, r.stderr)
	}
}
