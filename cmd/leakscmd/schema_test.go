package leakscmd_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// TestJSONMatchesSchema: leaks -o json against the real servers and an
// unreachable one conforms to leaks.schema.json .
func TestJSONMatchesSchema(t *testing.T) {
	pg, my, rd := testenv.PostgresURL(t), testenv.MySQLURL(t), testenv.RedisURL(t)
	for _, args := range [][]string{
		{"--db", pg, "--db", my, "--redis", rd, "--max-lifetime", "1"},
		{"--db", "postgres://app:pw-secret@127.0.0.1:1/app", "--max-lifetime", "1h"},
	} {
		code, stdout, stderr := run(t, nil, append(append([]string{"leaks"}, args...), "-o", "json")...)
		want := 0
		if strings.Contains(args[1], "127.0.0.1:1/") {
			want = 1 // unreachable: the report, then exit 1
		}
		if code != want || stdout == "" {
			t.Fatalf("leaks %s: exit %d, no report:\n%s", strings.Join(args, " "), code, stderr)
		}
		if strings.Contains(stdout+stderr, "pw-secret") {
			t.Error("password in the output")
		}
		if err := reporttest.MatchesSchema(report.SchemaLeaks, []byte(stdout)); err != nil {
			t.Errorf("leaks %s: %v\n%s\n%s", strings.Join(args, " "), err, stdout, stderr)
		}
	}
}
