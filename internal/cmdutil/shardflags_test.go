package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/pkg/shard"
)

var shardNow = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)

func parseShardFlags(t *testing.T, args ...string) (*WorkloadFlags, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	w := DefaultWorkloadFlags()
	w.Now = func() time.Time { return shardNow }
	w.Register(fs, WorkloadConcurrency|WorkloadRate|WorkloadShard|WorkloadResultOut)
	if err := fs.Parse(args); err != nil {
		return w, err
	}
	return w, w.Check()
}

func TestShardFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
		usage   bool // the error is a usage error (exit 2)
		want    func(w *WorkloadFlags) bool
	}{
		{name: "none", want: func(w *WorkloadFlags) bool { return !w.Shard.Sharded() && w.StartAt.IsZero() && w.ResultOut == "" }},
		{name: "all", args: []string{"--shard", "2/3", "--start-at", "2026-12-04T20:00:00Z", "--result-out", filepath.Join(dir, "r.json")},
			want: func(w *WorkloadFlags) bool {
				return w.Shard == shard.Segment{Index: 2, Count: 3} && w.StartAt.Equal(shardNow.Add(time.Hour)) &&
					w.ResultOut == filepath.Join(dir, "r.json")
			}},
		{name: "start-at with an offset", args: []string{"--start-at", "2026-12-04T21:00:00+01:00"},
			want: func(w *WorkloadFlags) bool { return w.StartAt.Equal(shardNow.Add(time.Hour)) }},
		{name: "start-at 24h ahead", args: []string{"--start-at", "2026-12-05T19:00:00Z"},
			want: func(w *WorkloadFlags) bool { return w.StartAt.Equal(shardNow.Add(24 * time.Hour)) }},
		{name: "start-at past is allowed", args: []string{"--start-at", "2026-12-04T18:00:00Z"},
			want: func(w *WorkloadFlags) bool { return true }},
		{name: "bad shard", args: []string{"--shard", "3"}, wantErr: `"3" is not I/N`},
		{name: "shard out of range", args: []string{"--shard", "5/4"}, wantErr: "index must be 1 to 4"},
		{name: "bad start-at", args: []string{"--start-at", "20:00"}, wantErr: "is not an RFC 3339 time"},
		{name: "start-at too far", args: []string{"--start-at", "2026-12-05T19:01:00Z"}, usage: true,
			wantErr: "--start-at 2026-12-05T19:01:00Z is 24h1m0s ahead, more than 24h0m0s"},
		{name: "result-out in a missing directory", args: []string{"--result-out", filepath.Join(dir, "no", "r.json")}, usage: true,
			wantErr: "--result-out " + filepath.Join(dir, "no", "r.json") + ": directory " + filepath.Join(dir, "no") + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := parseShardFlags(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				var ue *UsageError
				if tt.usage && !errors.As(err, &ue) {
					t.Errorf("error %v is not a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(w) {
				t.Errorf("values %+v", w)
			}
		})
	}
}

// TestShardWorkAddsUp: the N shards' workers, rates and requests add up to
// the unsharded run's, and each shard's workers continue the numbering of
// the shards before it.
func TestShardWorkAddsUp(t *testing.T) {
	tests := []struct {
		total Work
		n     int
	}{
		{Work{Concurrency: 32}, 1},
		{Work{Concurrency: 32}, 3},
		{Work{Concurrency: 10, Rate: 100}, 3},
		{Work{Concurrency: 7, Rate: 1000.5, Requests: 10_001}, 7},
		{Work{Concurrency: 10_000, Rate: 1e6, Requests: 1_000_000_000}, 64},
	}
	for _, tt := range tests {
		var sum Work
		var milli uint64
		for i := 1; i <= tt.n; i++ {
			w := &WorkloadFlags{Shard: shard.Segment{Index: i, Count: tt.n}}
			part, err := w.ShardWork(tt.total)
			if err != nil {
				t.Fatalf("shard %d/%d of %+v: %v", i, tt.n, tt.total, err)
			}
			if part.WorkerOffset != sum.Concurrency {
				t.Errorf("shard %d/%d of %+v: worker offset %d, want %d", i, tt.n, tt.total, part.WorkerOffset, sum.Concurrency)
			}
			sum.Concurrency += part.Concurrency
			sum.Requests += part.Requests
			milli += uint64(part.Rate*1000 + 0.5)
		}
		if sum.Concurrency != tt.total.Concurrency || sum.Requests != tt.total.Requests || milli != uint64(tt.total.Rate*1000+0.5) {
			t.Errorf("%d shards of %+v add up to %d workers, %d requests, %d/1000 per second", tt.n, tt.total, sum.Concurrency, sum.Requests, milli)
		}
	}
}

func TestShardWorkRefusesEmptyShards(t *testing.T) {
	tests := []struct {
		total Work
		shard string
		want  string
	}{
		{Work{Concurrency: 2}, "1/3", "--shard 1/3: --concurrency 2 gives this shard no worker; use --concurrency 3 or more"},
		{Work{Concurrency: 8, Rate: 0.002}, "1/4", "--rate 0.002 gives this shard no arrivals"},
		{Work{Concurrency: 8, Requests: 3}, "1/4", "--requests 3 gives this shard none; use --requests 4 or more"},
	}
	for _, tt := range tests {
		s, _ := shard.Parse(tt.shard)
		_, err := (&WorkloadFlags{Shard: s}).ShardWork(tt.total)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ShardWork(%+v) at %s = %v, want a usage error with %q", tt.total, tt.shard, err, tt.want)
		}
	}
}

func TestWaitStart(t *testing.T) {
	io, _, _, errOut := Test()
	// unset: at once, silently
	if err := WaitStart(context.Background(), io, time.Time{}, shardNow); err != nil || errOut.Len() > 0 {
		t.Errorf("unset: %v, stderr %q", err, errOut)
	}
	// past: at once, with a warning
	if err := WaitStart(context.Background(), io, shardNow.Add(-time.Minute), shardNow); err != nil {
		t.Errorf("past: %v", err)
	}
	if !strings.Contains(errOut.String(), "passed 1m0s ago; starting now") {
		t.Errorf("past: stderr %q, want the warning", errOut)
	}
	// future: waits, and a cancel ends the wait with the context's error
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WaitStart(ctx, io, shardNow.Add(time.Hour), shardNow); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v, want context.Canceled", err)
	}
	if !strings.Contains(errOut.String(), "waiting 1h0m0s for --start-at 2026-12-04T20:00:00Z") {
		t.Errorf("stderr %q, want the wait announced", errOut)
	}
}
