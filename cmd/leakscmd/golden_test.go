package leakscmd

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture is a report with one of everything: a critical PostgreSQL leak, a
// growing Redis client, long-lived groups, resync's own connections, an
// unreachable MySQL target and a privilege finding.
func fixture() *report.Leaks {
	t0 := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	pg := &inspect.Result{
		Name: "database", Kind: "postgres", URL: "postgres://app:***@db:5432/app", Reachable: true,
		Server: "16.2", User: "monitor", SampledAt: t0, Connections: 14, Threshold: 3600, Severity: resources.SeverityCritical,
		Leaks: []resources.Leak{{
			Source: "database", Kind: inspect.LeakIdleInTransaction, ID: "4242", Owner: "billing-worker",
			Created: t0.Add(-95 * time.Minute), Lifetime: 95 * time.Minute, Seconds: 5700, Severity: resources.SeverityCritical,
			Evidence: map[string]string{
				"state": "idle in transaction", "client": "10.0.3.7:51544", "user": "billing", "application": "billing-worker",
				"database": "app", "idle": "1h32m5s", "xact_age": "1h35m0s", "age": "6h2m0s", "pid": "4242",
				"query": "UPDATE invoices SET status = 'sent' WHERE id = $1",
			},
		}},
		LongLived: []inspect.Group{
			{Application: "api", User: "app", Client: "10.0.3.5", Count: 12, IdleOver: 3, OldestSeconds: 86400, MaxIdleSeconds: 4000,
				States: map[string]int{"idle": 11, "active": 1}, Severity: resources.SeverityInfo},
			{Application: "billing-worker", User: "billing", Client: "10.0.3.7", Count: 1, OldestSeconds: 21720, MaxIdleSeconds: 5525,
				States: map[string]int{"idle in transaction": 1}, Severity: resources.SeverityInfo},
		},
		Own:      []inspect.Group{{Application: "resync", User: "monitor", Client: "10.0.9.1", Count: 2, OldestSeconds: 30, MaxIdleSeconds: 12, Own: true, Severity: resources.SeverityInfo}},
		Capacity: &inspect.Capacity{Used: 14, Max: 100, Reserved: 3, Available: 83, Ratio: 14.0 / 97},
		Findings: []inspect.Finding{{Severity: resources.SeverityWarning, Code: inspect.FindingPrivilege,
			Message: `2 sessions of other roles are hidden from "monitor"`, Fix: "GRANT pg_read_all_stats TO monitor;"}},
	}
	my := &inspect.Result{
		Name: "database2", Kind: "mysql", URL: "mysql://shop:***@db2:3306/shop", SampledAt: t0, Threshold: 3600,
		Error: "connect to mysql://shop:***@db2:3306/shop: dial tcp 10.0.4.2:3306: connect: connection refused",
		Findings: []inspect.Finding{{Severity: resources.SeverityCritical, Code: inspect.FindingUnreachable,
			Message: "not inspected: connect to mysql://shop:***@db2:3306/shop: dial tcp 10.0.4.2:3306: connect: connection refused",
			Fix:     "check that the server is up and the URL, user and password are right; the other targets were still inspected"}},
		Severity: resources.SeverityCritical,
	}
	rd := &inspect.Result{
		Name: "redis", Kind: "redis", URL: "redis://cache:6379/0", Reachable: true, Server: "7.2.4", User: "default",
		SampledAt: t0, Connections: 40, Threshold: 3600, Severity: resources.SeverityWarning,
		Leaks: []resources.Leak{{
			Source: "redis", Kind: inspect.LeakGrowingConnections, ID: "worker (user default, from 10.0.5.9)", Owner: "worker",
			Created: t0.Add(-time.Minute), Lifetime: time.Minute, Seconds: 60, Severity: resources.SeverityWarning,
			Evidence: map[string]string{"counts": "3 → 7 → 12 → 18", "growth": "+15 in 1m0s", "samples": "4", "client": "10.0.5.9", "user": "default", "application": "worker"},
		}},
		LongLived: []inspect.Group{{Application: "", User: "default", Client: "10.0.5.2", Count: 3, OldestSeconds: 7300, MaxIdleSeconds: 7200,
			IdleOver: 0, Note: "pubsub", Severity: resources.SeverityInfo}},
		Capacity: &inspect.Capacity{Used: 40, Max: 10000, Available: 9960, Ratio: 0.004},
	}
	rep := report.BuildLeaks(t0, time.Hour, time.Minute, false, [][]*inspect.Result{{pg}, {my}, {rd}})
	rep.Samples = 4
	return rep
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		format output.Format
	}{
		{"report.table.golden", output.Text},
		{"report.md.golden", output.Markdown},
		{"report.json.golden", output.JSON},
		{"report.html.golden", output.HTML},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := output.Render(&b, fixture(), output.Options{Format: tt.format}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs (run go test -update after checking the change):\n%s", tt.file, got)
			}
		})
	}
}

func TestSummaryCounts(t *testing.T) {
	s := fixture().Summary
	want := report.LeaksSummary{Leaks: 2, Critical: 1, LongLived: 16, Unreachable: 1, Findings: 2}
	if s != want {
		t.Fatalf("summary = %+v, want %+v", s, want)
	}
	if err := failure(fixture()); err == nil || cmdutil.ExitCode(err) != cmdutil.ExitFinding ||
		!strings.Contains(err.Error(), "2 potential leaks found (1 critical); 1 target could not be inspected") {
		t.Fatalf("failure = %v", err)
	}
}

// Colour only when the streams allow it: styled with a terminal, plain
// when piped.
func TestColourOnlyOnATerminal(t *testing.T) {
	for _, tty := range []bool{true, false} {
		io, _, out, _ := cmdutil.Test()
		io.SetTTY(tty, tty)
		if err := (&cmdutil.Printer{IO: io, Format: output.Text}).Print(fixture()); err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(out.String(), "\x1b["); has != tty {
			t.Errorf("tty=%v: escape sequences present = %v", tty, has)
		}
	}
}
