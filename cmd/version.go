package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
)

func newVersionCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print resync's version, commit and build date",
		Example: "  resync version\n  resync version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.Printer().Print(versionInfo{BuildInfo: f.Build, Go: runtime.Version()})
		},
	}
}

// versionInfo is what "resync version" prints.
type versionInfo struct {
	cmdutil.BuildInfo
	Go string `json:"go"`
}

// Doc is one line: "resync v1.2.0 (commit abc123, built 2026-…, go1.26.8)".
func (v versionInfo) Doc() *output.Doc {
	return (&output.Doc{}).Add(output.Para{Text: output.S(fmt.Sprintf("resync %s (commit %s, built %s, %s)",
		v.Version, v.Commit, v.Date, v.Go))})
}

func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Generate the shell completion script",
		Long: `Generate the completion script for your shell.

  bash:        source <(resync completion bash)
  zsh:         resync completion zsh > "${fpath[1]}/_resync"
  fish:        resync completion fish > ~/.config/fish/completions/resync.fish
  powershell:  resync completion powershell | Out-String | Invoke-Expression`,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return cmd.Root().GenBashCompletionV2(out, true)
			case "zsh":
				return cmd.Root().GenZshCompletion(out)
			case "fish":
				return cmd.Root().GenFishCompletion(out, true)
			default:
				return cmd.Root().GenPowerShellCompletionWithDesc(out)
			}
		},
	}
}
