// Package configcmd implements "resync config".
package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "config" command. Placeholder until its issue lands.
func New(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "config", Short: "(in progress)", Hidden: true}
}
