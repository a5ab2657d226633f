package cachecmd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/report/reporttest"
)

// TestSimulateJSONMatchesSchema: simulate -o json, exact (stack distance)
// replayed with a TTL and sampled (SHARDS), conforms to simulation.schema.json.
func TestSimulateJSONMatchesSchema(t *testing.T) {
	for _, args := range [][]string{
		{"--dist", "zipf", "--keys", "500", "--requests", "5000", "--sweep", "4"},
		{"--dist", "hotset", "--keys", "500", "--requests", "5000", "--capacity", "50,200", "--ttl", "2s", "--rate", "500"},
		{"--dist", "zipf", "--keys", "500", "--requests", "5000", "--capacity", "50,200", "--policy", "lru,sieve,s3fifo,arc,opt"},
		{"--trace", "-", "--capacity", "2,20", "--sample-keys", "64"}, // 200 keys: sampled, with errors
	} {
		var stdin strings.Builder
		for i := range 5000 {
			fmt.Fprintf(&stdin, "%d\n", (i*7919)%200)
		}
		out, stderr, err := run(t, cmdutil.FormatJSON, false, stdin.String(), append([]string{"simulate"}, args...)...)
		if err != nil {
			t.Fatalf("simulate %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		if err := reporttest.MatchesSchema(report.SchemaSimulation, []byte(out)); err != nil {
			t.Errorf("simulate %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
