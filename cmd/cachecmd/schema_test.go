package cachecmd

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/report"
)

// TestSimulateJSONMatchesSchema: simulate -o json, exact (stack distance)
// and replayed with a TTL, conforms to simulation.schema.json.
func TestSimulateJSONMatchesSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(report.SchemaLoader{}) // simulation $refs the report's recommendation
	sch := c.MustCompile(report.SchemaID(report.SchemaSimulation))
	for _, args := range [][]string{
		{"--dist", "zipf", "--keys", "500", "--requests", "5000", "--sweep", "4"},
		{"--dist", "hotset", "--keys", "500", "--requests", "5000", "--capacity", "50,200", "--ttl", "2s", "--rate", "500"},
	} {
		out, stderr, err := run(t, cmdutil.FormatJSON, false, "", append([]string{"simulate"}, args...)...)
		if err != nil {
			t.Fatalf("simulate %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("simulate %s: does not match simulation.schema.json: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
