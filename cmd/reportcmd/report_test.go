package reportcmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.uber.org/goleak"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var fixedNow = time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)

type result struct {
	code           int
	stdout, stderr string
}

// run executes resync in-process with no environment and no settings file,
// so only flags configure it. sig, when set, is the injected signal source.
func run(t *testing.T, sig chan os.Signal, args ...string) result {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
	f.LookupEnv = func(string) (string, bool) { return "", false }
	f.WorkDir = t.TempDir()
	f.Now = func() time.Time { return fixedNow }
	f.Signals = nil
	if sig != nil {
		f.Signals = func() (<-chan os.Signal, func()) { return sig, func() {} }
	}
	code := cmd.Run(context.Background(), f, args)
	return result{code, out.String(), errOut.String()}
}

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.JSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if err := schema(t).Validate(v); err != nil {
		t.Fatalf("report does not match the schema: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The newcomer's first run: embedded targets, every format.
func TestEmbeddedDefault(t *testing.T) {
	r := run(t, nil, "report", "--duration", "1s", "--concurrency", "4", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	m := validateJSON(t, r.stdout)
	if m["embedded"] != true || m["partial"] != false || m["timestamp"] != "2026-01-15T10:30:00Z" {
		t.Errorf("embedded/partial/timestamp = %v/%v/%v", m["embedded"], m["partial"], m["timestamp"])
	}
	pools := m["connection_pools"].(map[string]any)
	for _, name := range []string{"database", "redis", "http"} {
		p, ok := pools[name].(map[string]any)
		if !ok {
			t.Fatalf("no pool %q in %v", name, pools)
		}
		if ops := p["metrics"].(map[string]any)["throughput_per_s"].(float64); ops <= 0 {
			t.Errorf("pool %s throughput %v, want > 0", name, ops)
		}
	}
	if !strings.Contains(r.stderr, "embedded targets") {
		t.Errorf("stderr does not say the targets are embedded: %q", r.stderr)
	}

	r = run(t, nil, "report", "--duration", "300ms", "--concurrency", "2")
	if r.code != 0 || !strings.Contains(r.stdout, "Connection pools") || !strings.Contains(r.stdout, report.EmbeddedHint[:40]) {
		t.Errorf("table: exit %d\n%s", r.code, r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("piped table output contains ANSI escapes")
	}
	r = run(t, nil, "report", "--duration", "300ms", "--concurrency", "2", "-o", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "| ") {
		t.Errorf("markdown: exit %d\n%s", r.code, r.stdout)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"duration", []string{"--duration", "soon"}, "soon"},
		{"concurrency", []string{"--concurrency", "0"}, "CONCURRENCY"},
		{"fail-on", []string{"--fail-on", "sometimes"}, "none, degraded, critical"},
		{"score", []string{"--fail-under-score", "101"}, "0 to 100"},
		{"score NaN", []string{"--fail-under-score", "NaN"}, "--fail-under-score NaN is out of range"},
		{"score Inf", []string{"--fail-under-score", "Inf"}, "--fail-under-score +Inf is out of range"},
		{"score -Inf", []string{"--fail-under-score", "-Inf"}, "--fail-under-score -Inf is out of range"},
		{"rate above the limit", []string{"--rate", "1e12"}, "above the limit of 1e+06"},
		{"empty --db", []string{"--db", ""}, "--db is empty"},
		{"max-lifetime", []string{"--max-lifetime", "-1h"}, "negative"},
		{"scheme", []string{"--db", "oracle://u:hunter2@db/x"}, "oracle"},
		{"output-file dir", []string{"--output-file", "/nonexistent/dir/r.json"}, "does not exist"},
		{"argument", []string{"extra"}, "unknown command"},
		{"--pgbouncer not the console", []string{"--observe", "1s", "--pgbouncer", "postgres://u:hunter2@pgb:6432/app"}, `flag --pgbouncer: TARGETS.PGBOUNCER_URLS = "postgres://u:***@pgb:6432/app": database "app" is not pgbouncer's admin console`},
		{"--pgbouncer a redis URL", []string{"--observe", "1s", "--pgbouncer", "redis://:hunter2@cache"}, "a redis URL is no pgbouncer console"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, append([]string{"report"}, tt.args...)...)
			if r.code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want 2; stderr %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty on bad input: %q", r.stdout)
			}
			if strings.Contains(r.stderr, "hunter2") {
				t.Error("password in the error message")
			}
		})
	}
}

// An unreachable target is a critical finding, not a crash, and no output
// format or file ever shows its password.
func TestUnreachableTargetAndRedaction(t *testing.T) {
	const secret = "plantedS3cret"
	mr := miniredis.RunT(t)
	mr.RequireAuth(secret)
	dir := t.TempDir()
	for _, format := range []string{"table", "json", "markdown"} {
		file := filepath.Join(dir, "report-"+format)
		r := run(t, nil, "report", "--duration", "300ms", "--concurrency", "2", "-o", format,
			"--db", "postgres://app:"+secret+"@127.0.0.1:1/app?connect_timeout=1",
			"--redis", "redis://:"+secret+"@"+mr.Addr()+"/0",
			"--output-file", file, "--fail-on", "critical")
		if r.code != cmdutil.ExitFinding {
			t.Errorf("%s: exit %d, want 3 (critical health); stderr %s", format, r.code, r.stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "file": string(data)} {
			if strings.Contains(s, secret) {
				t.Errorf("%s: the password appears in %s", format, what)
			}
		}
		if !strings.Contains(r.stdout+string(data), "unreachable") && !strings.Contains(string(data), `"reachable": false`) {
			t.Errorf("%s: the unreachable database is not reported", format)
		}
	}
}

// Ctrl-C: the partial report is printed and marked, exit 130.
func TestInterruptPrintsPartialReport(t *testing.T) {
	sig := make(chan os.Signal, 2)
	go func() {
		time.Sleep(500 * time.Millisecond)
		sig <- os.Interrupt
	}()
	r := run(t, sig, "report", "--duration", "1m", "--concurrency", "2", "-o", "json")
	if r.code != cmdutil.ExitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %s", r.code, r.stderr)
	}
	m := validateJSON(t, r.stdout)
	if m["partial"] != true {
		t.Errorf("partial = %v, want true", m["partial"])
	}
}

// A target killed mid-run shows as errors and the run still ends on time.
func TestTargetKilledMidRun(t *testing.T) {
	mr := miniredis.RunT(t)
	proxy, err := faultproxy.New(mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	go func() {
		time.Sleep(400 * time.Millisecond)
		_ = proxy.RefuseNew(true)
		proxy.CutAll()
	}()
	r := run(t, nil, "report", "--duration", "1500ms", "--concurrency", "4", "-o", "json",
		"--redis", "redis://"+proxy.Addr()+"/0")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	m := validateJSON(t, r.stdout)
	redis := m["connection_pools"].(map[string]any)["redis"].(map[string]any)["metrics"].(map[string]any)
	if redis["errors"].(float64) == 0 {
		t.Errorf("no errors counted after the target died: %v", redis)
	}
	if m["overall_health"] != "critical" {
		t.Errorf("health %v, want critical (the target is down at the end)", m["overall_health"])
	}
}

func TestFailThresholds(t *testing.T) {
	// A real run never scores a perfect 100 on every cache and pool, so
	// --fail-under-score 100 must fail, and 1 must pass.
	r := run(t, nil, "report", "--duration", "300ms", "--concurrency", "2", "-o", "json", "--fail-under-score", "100")
	if r.code != cmdutil.ExitFinding || !strings.Contains(r.stderr, "--fail-under-score") {
		t.Errorf("exit %d, stderr %q; want 3 naming --fail-under-score", r.code, r.stderr)
	}
	validateJSON(t, r.stdout) // the report is still printed
	r = run(t, nil, "report", "--duration", "300ms", "--concurrency", "2", "-o", "json", "--fail-under-score", "1")
	if r.code != 0 {
		t.Errorf("--fail-under-score 1: exit %d, stderr %q", r.code, r.stderr)
	}
}

// The real services, when configured.
func TestRealServices(t *testing.T) {
	pg, my, rd := testenv.PostgresURL(t), testenv.MySQLURL(t), testenv.RedisURL(t)
	r := run(t, nil, "report", "--duration", "1s", "--concurrency", "4", "-o", "json",
		"--db", pg, "--db", my, "--redis", rd)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	m := validateJSON(t, r.stdout)
	if m["embedded"] != false {
		t.Error("embedded = true with real targets")
	}
	for _, tg := range m["targets"].([]any) {
		tm := tg.(map[string]any)
		if tm["reachable"] != true {
			t.Errorf("target %v unreachable: %v", tm["name"], tm["error"])
		}
	}
}

// Every target unreachable at the start: the report is printed, exit 1
// (before, exit 0), as in pools stats and leaks.
func TestReportUnreachableExit1(t *testing.T) {
	r := run(t, nil, "report", "--duration", "300ms", "--concurrency", "2", "-o", "json",
		"--db", "postgres://app@127.0.0.1:1/app?connect_timeout=1")
	if r.code != cmdutil.ExitError || !strings.Contains(r.stdout, `"reachable": false`) {
		t.Errorf("exit %d, want 1 after the report\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}
