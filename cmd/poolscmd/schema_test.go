package poolscmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// argv is a fixed argument list.
func argv(args ...string) func(*testing.T) []string {
	return func(*testing.T) []string { return args }
}

// TestJSONMatchesSchemas: measured pools stats and pools recommend output
// (closed and open model, with and without the cache, an unreachable
// target, the real servers) conforms to pool-stats.schema.json and sizing.schema.json.
func TestJSONMatchesSchemas(t *testing.T) {
	srv := newServer(t, 64, time.Millisecond, nil)
	db := "sqlite://" + filepath.Join(t.TempDir(), "schema.db")
	env := map[string]string{"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "4", "HTTP_POOL_MIN_SIZE": "1", "HTTP_POOL_MAX_SIZE": "4"}
	tests := []struct {
		name, schema string
		args         func(t *testing.T) []string
	}{
		{"stats closed sqlite with cache", report.SchemaPoolStats, argv("pools", "stats", "--db", db, "--cache", "--keys", "20",
			"--requests", "200", "--warmup", "0", "--concurrency", "2")},
		{"stats open http", report.SchemaPoolStats, argv("pools", "stats", "--http", srv.URL, "--rate", "200",
			"--duration", "400ms", "--warmup", "0", "--concurrency", "4")},
		{"stats unreachable", report.SchemaPoolStats, argv("pools", "stats", "--http", srv.URL, "--redis", "redis://:pw@127.0.0.1:1/0",
			"--requests", "50", "--warmup", "0")},
		{"stats postgres and redis", report.SchemaPoolStats, func(t *testing.T) []string {
			return []string{"pools", "stats", "--db", testenv.PostgresURL(t), "--redis", testenv.RedisURL(t),
				"--duration", "400ms", "--warmup", "100ms", "--concurrency", "4"}
		}},
		{"stats mysql", report.SchemaPoolStats, func(t *testing.T) []string {
			return []string{"pools", "stats", "--db", testenv.MySQLURL(t), "--duration", "300ms", "--warmup", "0", "--concurrency", "2"}
		}},
		{"stats sqlite --script", report.SchemaPoolStats, func(t *testing.T) []string {
			sc := filepath.Join(t.TempDir(), "s.sql")
			if err := os.WriteFile(sc, []byte("\\set id random(1, 9)\nSELECT :id;\nSELECT 2;\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"pools", "stats", "--db", db, "--script", sc + "@2", "--requests", "100", "--warmup", "0"}
		}},
		{"recommend http", report.SchemaSizing, argv("pools", "recommend", "--http", srv.URL, "--step-duration", "100ms",
			"--expected-rate", "50")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, env, append(tt.args(t), "-o", "json")...)
			if code == 2 || stdout == "" {
				t.Fatalf("exit %d, no result:\n%s", code, stderr)
			}
			if strings.Contains(stdout+stderr, ":pw@") {
				t.Error("password in the output")
			}
			if err := reporttest.MatchesSchema(tt.schema, []byte(stdout)); err != nil {
				t.Errorf("%v\n%s\n%s", err, stdout, stderr)
			}
		})
	}
}
