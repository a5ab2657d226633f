// Package leakscmd implements "resync leaks".
package leakscmd

import (
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "leaks" command. Placeholder until its issue lands.
func New(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "leaks", Short: "(in progress)", Hidden: true}
}
