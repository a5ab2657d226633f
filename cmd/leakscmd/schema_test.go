package leakscmd_test

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

// TestJSONMatchesSchema: leaks -o json against the real servers and an
// unreachable one conforms to leaks.schema.json (whose lists may be null).
func TestJSONMatchesSchema(t *testing.T) {
	pg, my, rd := testenv.PostgresURL(t), testenv.MySQLURL(t), testenv.RedisURL(t)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(report.SchemaLoader{})
	sch := c.MustCompile(report.SchemaID(report.SchemaLeaks))
	for _, args := range [][]string{
		{"--db", pg, "--db", my, "--redis", rd, "--max-lifetime", "1"},
		{"--db", "postgres://app:pw-secret@127.0.0.1:1/app", "--max-lifetime", "1h"},
	} {
		code, stdout, stderr := run(t, nil, append(append([]string{"leaks"}, args...), "-o", "json")...)
		if code != 0 || stdout == "" {
			t.Fatalf("leaks %s: exit %d, no report:\n%s", strings.Join(args, " "), code, stderr)
		}
		if strings.Contains(stdout+stderr, "pw-secret") {
			t.Error("password in the output")
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
		if err != nil {
			t.Fatalf("not JSON: %v\n%s\n%s", err, stdout, stderr)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("leaks %s: does not match leaks.schema.json: %v\n%s", strings.Join(args, " "), err, stdout)
		}
	}
}
