package leakscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
)

// A client that opens connections between samples and never closes them is
// flagged as growing; the hook makes the growth deterministic.
func TestWatchFlagsGrowingClient(t *testing.T) {
	rURL := testenv.RedisURL(t)
	opts, err := redis.ParseURL(rURL)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	name := fmt.Sprintf("grower-%d", time.Now().UnixNano())
	var conns []*redis.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	open := func(n int) {
		for range n {
			c := client.Conn()
			if err := c.ClientSetName(context.Background(), name).Err(); err != nil {
				t.Error(err)
			}
			conns = append(conns, c)
		}
	}
	open(1)

	io, _, out, _ := cmdutil.Test()
	o := &LeaksOptions{
		IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.JSON}, Now: time.Now,
		Targets:     []target.Target{{Name: "redis", Kind: target.Redis, URL: rURL}},
		MaxLifetime: time.Hour, Watch: 400 * time.Millisecond, Interval: 100 * time.Millisecond, Timeout: 10 * time.Second,
		FailOnLeaks: true,
		onSample:    func(int) { open(2) },
	}
	err = runLeaks(context.Background(), o)
	var fe *cmdutil.FindingError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a finding (exit 3)", err)
	}
	var rep report.Leaks
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 5 || len(rep.Targets) != 1 {
		t.Fatalf("samples %d targets %d", rep.Samples, len(rep.Targets))
	}
	var got string
	for _, l := range rep.Targets[0].Leaks {
		if l.Kind == inspect.LeakGrowingConnections && l.Owner == name {
			got = l.Evidence["counts"]
		}
	}
	if got != "1 → 3 → 5 → 7 → 9" {
		t.Fatalf("growth counts = %q, want 1 → 3 → 5 → 7 → 9; leaks %+v", got, rep.Targets[0].Leaks)
	}
}

// Interrupted during --watch, the command prints the samples it has, marked
// partial, and returns context.Canceled (exit 130).
func TestWatchInterrupted(t *testing.T) {
	io, _, out, _ := cmdutil.Test()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := &LeaksOptions{
		IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Text}, Now: time.Now,
		Targets:     []target.Target{{Name: "database", Kind: target.SQLite, URL: "sqlite://app.db"}},
		MaxLifetime: time.Hour, Watch: time.Hour, Interval: time.Minute, Timeout: time.Second,
		onSample: func(int) { cancel() },
	}
	err := runLeaks(ctx, o)
	if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s := out.String(); !strings.Contains(s, "PARTIAL (interrupted)") || !strings.Contains(s, "SQLite runs inside the") {
		t.Fatalf("partial report missing:\n%s", s)
	}
}
