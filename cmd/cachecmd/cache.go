// Package cachecmd implements "resync cache": tools around resync's
// embedded cache.
package cachecmd

import (
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
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSimulateCmd(f, nil))
	return cmd
}
