// Package cachecmd implements "resync cache": tools around resync's
// embedded cache.
package cachecmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "cache" command.
func New(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Size the embedded cache: replay traces and workloads, find the capacity a hit rate needs",
		Example: `  resync cache simulate --trace keys.txt.gz --capacity 1000,10000,100000
  resync cache simulate --dist zipf --keys 100000 --requests 1000000 --sweep 12`,
		// Without Args and RunE cobra prints help and exits 0 for
		// "cache nosuch"; like pools and config, an unknown subcommand is a
		// usage error.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return fmt.Errorf("unknown command %q for %q: use simulate", args[0], cmd.CommandPath())
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSimulateCmd(f, nil))
	return cmd
}
