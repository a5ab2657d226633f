// Package poolscmd implements "resync pools": "stats" drives a workload
// through resync's own pools against the targets and reports per pool, and
// "recommend" sweeps the pool size and recommends min and max from the
// measurements.
package poolscmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "pools" command and its subcommands.
func New(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pools <command>",
		Short: "Measure connection pools under load and size them from measurements",
		Long: `Measure connection pools under load and size them from measurements.

"pools stats" drives a workload (closed model: --concurrency workers; open
model: --rate arrivals per second) through resync's own pools against the
targets and prints, per pool, throughput, latency, acquire wait, utilization,
errors by class, the efficiency score and recommendations.

"pools recommend" sweeps each pool's size (1, 2, 4, … up to the configured
max) under a load that saturates it, fits the Universal Scalability Law, and
recommends a max (the smallest size that reaches 95 % of the peak throughput
with acquire waits under --wait-p99 at the expected load) and a min (Little's
law), capped by the server's own connection limit.

Targets come from --db, --redis and --http, or from the configuration
(DATABASE_URL, REDIS_URL, RESYNC_HTTP_URL, the [default.TARGETS] table).
With none configured, both run against the embedded targets (SQLite, an
in-process Redis, loopback HTTP), as "resync report" does, and say so.
Pool settings come from the CONNECTION_POOL table (DB_POOL_*, REDIS_POOL_*,
HTTP_POOL_*).`,
		Example: `  resync pools stats --db postgres://app@localhost/app --duration 30s
  resync pools stats --redis redis://localhost:6379 --redis-command "GET k" --concurrency 50
  resync pools stats --http http://localhost:8080/health --rate 500 -o json
  resync pools recommend --db postgres://app@localhost/app --expected-rate 800
  resync pools recommend --instances 4 -o markdown`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return fmt.Errorf("unknown command %q for %q: use stats or recommend", args[0], cmd.CommandPath())
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newStatsCmd(f, nil), newRecommendCmd(f, nil))
	return cmd
}
