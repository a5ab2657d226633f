// Package poolscmd implements "resync pools".
package poolscmd

import (
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "pools" command. Placeholder until its issue lands.
func New(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "pools", Short: "(in progress)", Hidden: true}
}
