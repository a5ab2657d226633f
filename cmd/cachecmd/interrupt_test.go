package cachecmd_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
)

// A workload big enough that the simulation is still running when the
// signal arrives: replaying 20 capacities of 300k requests through the cache
// takes seconds. The signal may also land while the keys are generated;
// either way what is printed is partial.
var slowSimulate = []string{"cache", "simulate", "--dist", "zipf", "--keys", "30000", "--requests", "300000",
	"--sweep", "20", "--ttl", "1h"}

// Ctrl-C during "cache simulate": the capacities finished so far are
// printed, marked partial, and the exit code is 130.
func TestSimulateInterrupted(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{"json", []string{`"partial": true`, `"schema_version": 1`}},
		{"table", []string{"PARTIAL (interrupted)", "resync cache simulate"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			io, _, out, errOut := cmdutil.Test()
			f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
			f.WorkDir = t.TempDir()
			f.LookupEnv = func(string) (string, bool) { return "", false }
			sig := make(chan os.Signal, 2)
			f.Signals = func() (<-chan os.Signal, func()) { return sig, func() {} }
			timer := time.AfterFunc(300*time.Millisecond, func() { sig <- os.Interrupt })
			defer timer.Stop()

			code := cmd.Run(context.Background(), f, append(slowSimulate, "-o", tt.format))
			if code != cmdutil.ExitInterrupted {
				t.Fatalf("exit %d, want 130; stderr:\n%s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut.String(), cmdutil.InterruptNotice) {
				t.Errorf("stderr lacks the interruption notice:\n%s", errOut)
			}
			if tt.format == "json" {
				var res struct {
					Points []struct{ Capacity int } `json:"points"`
				}
				if err := json.Unmarshal(out.Bytes(), &res); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if len(res.Points) >= 20 {
					t.Errorf("%d points: the run was not cut short", len(res.Points))
				}
			}
		})
	}
}
