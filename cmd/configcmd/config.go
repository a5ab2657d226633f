// Package configcmd implements "resync config": show the effective
// configuration with the source of every value, validate a settings file,
// and write a commented settings file with every default.
package configcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// New returns the "config" command and its subcommands.
func New(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Show, validate and create resync's settings",
		Long: `Show, validate and create resync's settings.

Settings come from, in increasing order of precedence: the defaults, a TOML
settings file, environment variables and command-line flags. The settings
file is the first of --config FILE, $RESYNC_CONFIG, ./settings.toml and
$XDG_CONFIG_HOME/resync/settings.toml. Its top-level tables are environments:
[default.*] always applies, and the one chosen with --env or RESYNC_ENV
(e.g. [production.CONNECTION_POOL]) overrides it. docs/configuration.md lists
every key.`,
		Example: `  resync config init                 # write ./settings.toml with every default
  resync config validate             # check it
  resync config show                 # every value and where it came from
  resync --env production config show -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			hint := "use show, validate or init"
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				hint = "did you mean " + s[0] + "?"
			}
			return fmt.Errorf("unknown command %q for %q: %s", args[0], cmd.CommandPath(), hint)
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(
		newShowCmd(f, nil),
		newValidateCmd(f, nil),
		newInitCmd(f, nil),
	)
	return cmd
}
