package cachecmd

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// TestSimulateJSONMatchesSchema: simulate -o json, exact (stack distance)
// and replayed with a TTL, conforms to simulation.schema.json.
func TestSimulateJSONMatchesSchema(t *testing.T) {
	for _, args := range [][]string{
		{"--dist", "zipf", "--keys", "500", "--requests", "5000", "--sweep", "4"},
		{"--dist", "hotset", "--keys", "500", "--requests", "5000", "--capacity", "50,200", "--ttl", "2s", "--rate", "500"},
		{"--dist", "zipf", "--keys", "500", "--requests", "5000", "--capacity", "50,200", "--policy", "lru,sieve,s3fifo,arc,opt"},
	} {
		out, stderr, err := run(t, cmdutil.FormatJSON, false, "", append([]string{"simulate"}, args...)...)
		if err != nil {
			t.Fatalf("simulate %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		if err := reporttest.MatchesSchema(report.SchemaSimulation, []byte(out)); err != nil {
			t.Errorf("simulate %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
