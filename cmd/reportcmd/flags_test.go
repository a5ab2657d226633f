package reportcmd

import (
	"context"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// The workload flags reach runReport through the configuration (bound
// settings) or the options (the others).
func TestReportOptionsFromFlags(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want func(o *ReportOptions) bool
	}{
		{"defaults", nil, nil, func(o *ReportOptions) bool {
			w := o.Config.Workload
			return w.Duration == 10*time.Second && w.Concurrency == 32 && w.Distribution == "zipf" &&
				o.Warmup == DefaultWarmup && o.Seed == 1 && o.MaxLifetime == DefaultMaxLifetime
		}},
		{"flags", nil, []string{"--duration", "2s", "--concurrency", "3", "--rate", "50", "--keys", "9", "--dist", "hotset",
			"--warmup", "1s", "--seed", "4"}, func(o *ReportOptions) bool {
			w := o.Config.Workload
			return w.Duration == 2*time.Second && w.Concurrency == 3 && w.Rate == 50 && w.Keys == 9 &&
				w.Distribution == "hotset" && o.Warmup == time.Second && o.Seed == 4
		}},
		{"environment", map[string]string{"RESYNC_WORKLOAD_KEYS": "77"}, nil, func(o *ReportOptions) bool {
			return o.Config.Workload.Keys == 77
		}},
		{"--fail-on", nil, []string{"--fail-on", "degraded"}, func(o *ReportOptions) bool { return o.Thresholds.FailOn == "degraded" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _, _ := cmdutil.Test()
			f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
			f.WorkDir = t.TempDir()
			f.LookupEnv = func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			var got *ReportOptions
			cmd := newReportCmd(f, func(_ context.Context, o *ReportOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !tt.want(got) {
				t.Errorf("options %+v, workload %+v", got, got.Config.Workload)
			}
		})
	}
}
