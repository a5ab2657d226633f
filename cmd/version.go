package cmd

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

func newVersionCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print resync's version, commit and build date",
		Example: "  resync version\n  resync version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := f.Build
			switch f.Global.Format() {
			case cmdutil.FormatJSON:
				enc := json.NewEncoder(f.IO.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					cmdutil.BuildInfo
					Go string `json:"go"`
				}{b, runtime.Version()})
			case cmdutil.FormatMarkdown:
				_, err := fmt.Fprintf(f.IO.Out, "| version | commit | date | go |\n|---|---|---|---|\n| %s | %s | %s | %s |\n",
					b.Version, b.Commit, b.Date, runtime.Version())
				return err
			default:
				_, err := fmt.Fprintf(f.IO.Out, "resync %s (commit %s, built %s, %s)\n", b.Version, b.Commit, b.Date, runtime.Version())
				return err
			}
		},
	}
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
