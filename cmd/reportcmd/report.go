// Package reportcmd implements "resync report".
package reportcmd

import (
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "report" command. Placeholder until its issue lands.
func New(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "report", Short: "(in progress)", Hidden: true}
}
