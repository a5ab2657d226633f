package poolscmd_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// TestStatsThresholds: pools stats evaluates --threshold on the final
// figures and exits 3 on a failure, ahead of the 1 of a target unreachable
// at the start; WORKLOAD.THRESHOLDS applies when no flag is given.
func TestStatsThresholds(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	base := []string{"pools", "stats", "--db", db, "--duration", "300ms", "--warmup", "0", "--concurrency", "2", "-o", "json"}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
		want   []string // subject:ok of each result
	}{
		{"holds", nil, []string{"--threshold", "database.error_rate<1%", "--threshold", "*.p99<10s"}, cmdutil.ExitOK, "",
			[]string{"database:true", "database:true"}},
		{"fails", nil, []string{"--threshold", "database.p50<0us"}, cmdutil.ExitFinding, "threshold failed: database.p50<0us (database: ",
			[]string{"database:false"}},
		{"ahead of an unreachable target", nil, []string{"--http", "http://127.0.0.1:1/", "--threshold", "*.error_rate<1%"}, cmdutil.ExitFinding,
			"(http: http has no figures: unreachable", []string{"database:true", "http:false"}},
		{"unreachable without a threshold", nil, []string{"--http", "http://127.0.0.1:1/"}, cmdutil.ExitError, "unreachable", nil},
		{"from the environment", map[string]string{"RESYNC_WORKLOAD_THRESHOLDS": "database.throughput>1e12"}, nil, cmdutil.ExitFinding,
			"threshold failed: database.throughput>1e12", []string{"database:false"}},
		{"the flag replaces the setting", map[string]string{"RESYNC_WORKLOAD_THRESHOLDS": "database.throughput>1e12"},
			[]string{"--threshold", "database.throughput>0"}, cmdutil.ExitOK, "", []string{"database:true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.env, append(append([]string{}, base...), tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, stderr, tt.code, tt.stderr)
			}
			if got := results(t, stdout); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("thresholds %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRecommendThresholds: pools recommend checks the figures of the step
// at the recommended max; a metric the sweep does not measure fails.
func TestRecommendThresholds(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	base := []string{"pools", "recommend", "--db", db, "--step-duration", "200ms", "-o", "json"}
	code, stdout, stderr := run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2"},
		append(base, "--threshold", "*.throughput>0", "--threshold", "database.error_rate<1%")...)
	if code != cmdutil.ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if got := results(t, stdout); strings.Join(got, " ") != "database:true database:true" {
		t.Errorf("thresholds %v", got)
	}
	code, stdout, stderr = run(t, map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2"}, append(base, "--threshold", "database.score>1")...)
	if code != cmdutil.ExitFinding || !strings.Contains(stderr, "database has no score figure in this run") {
		t.Fatalf("exit %d, stderr %s; want 3 naming the missing figure", code, stderr)
	}
	if got := results(t, stdout); strings.Join(got, " ") != "database:false" {
		t.Errorf("thresholds %v", got)
	}
}

// results are "subject:ok" of each threshold in a command's JSON.
func results(t *testing.T, stdout string) []string {
	t.Helper()
	var doc struct {
		Thresholds []struct {
			Subject string `json:"subject"`
			OK      bool   `json:"ok"`
		} `json:"thresholds"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	var out []string
	for _, r := range doc.Thresholds {
		out = append(out, r.Subject+":"+map[bool]string{true: "true", false: "false"}[r.OK])
	}
	return out
}
