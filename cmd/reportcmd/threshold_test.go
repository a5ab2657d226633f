package reportcmd_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// TestThresholdExitCodes: --threshold passes (0), fails (3, after the
// report, also ahead of an unreachable target's 1 and together with
// --fail-under-score) or is malformed (2, before the run).
func TestThresholdExitCodes(t *testing.T) {
	base := []string{"report", "--duration", "300ms", "--concurrency", "2", "-o", "json"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
		json   bool // the report is printed
	}{
		{"holds", []string{"--threshold", "*.error_rate<=100%", "--threshold", "*.score>=0"}, cmdutil.ExitOK, nil, true},
		{"fails", []string{"--threshold", "*.error_rate<=100%", "--threshold", "redis.throughput>1e12"}, cmdutil.ExitFinding,
			[]string{"threshold failed: redis.throughput>1e12 (redis: "}, true},
		{"unknown subject fails", []string{"--threshold", "redsi.p99<5ms"}, cmdutil.ExitFinding,
			[]string{`no cache or pool named "redsi"`}, true},
		{"with --fail-under-score", []string{"--threshold", "default.hit_rate>100%", "--fail-under-score", "100"}, cmdutil.ExitFinding,
			[]string{"(--fail-under-score)", "; threshold failed: default.hit_rate>100%"}, true},
		{"ahead of an unreachable target", []string{"--redis", "redis://127.0.0.1:1/0", "--threshold", "*.error_rate<1%"}, cmdutil.ExitFinding,
			[]string{"threshold failed: *.error_rate<1% (redis: redis has no figures: unreachable"}, true},
		{"unreachable without a threshold", []string{"--redis", "redis://127.0.0.1:1/0"}, cmdutil.ExitError, []string{"unreachable"}, true},
		{"malformed", []string{"--threshold", "redis.p99<5 parsecs"}, cmdutil.ExitUsage,
			[]string{`value "5 parsecs" is not a duration in --threshold 'redis.p99<5 parsecs'; p99 takes a latency`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, append(append([]string{}, base...), tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, tt.code, r.stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q lacks %q", r.stderr, want)
				}
			}
			if !tt.json {
				if r.stdout != "" {
					t.Errorf("a usage error printed %q", r.stdout)
				}
				return
			}
			m := validateJSON(t, r.stdout)
			if _, ok := m["thresholds"]; ok != strings.Contains(strings.Join(tt.args, " "), "--threshold") {
				t.Errorf("thresholds field present %v for %v", ok, tt.args)
			}
		})
	}
}
