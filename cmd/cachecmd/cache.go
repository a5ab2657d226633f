// Package cachecmd implements "resync cache".
package cachecmd

import (
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "cache" command. Placeholder until its issue lands.
func New(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "cache", Short: "(in progress)", Hidden: true}
}
