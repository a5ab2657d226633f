package cmd

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
)

// VersionOptions are the inputs of "version".
type VersionOptions struct {
	Printer *cmdutil.Printer
	Build   cmdutil.BuildInfo
	Go      string // the Go release resync was built with
}

func newVersionCmd(f *cmdutil.Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print resync's version, commit and build date",
		Example: "  resync version\n  resync version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := &VersionOptions{Printer: f.Printer(), Build: f.Build, Go: runtime.Version()}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVersion(cmd.Context(), opts)
		},
	}
}

func runVersion(_ context.Context, opts *VersionOptions) error {
	return opts.Printer.Print(versionInfo{BuildInfo: opts.Build, Go: opts.Go})
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

// CompletionOptions are the inputs of "completion".
type CompletionOptions struct {
	Out   io.Writer
	Root  *cobra.Command // the tree to complete
	Shell string         // bash, zsh, fish or powershell
}

func newCompletionCmd(f *cmdutil.Factory, runF func(context.Context, *CompletionOptions) error) *cobra.Command {
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
			opts := &CompletionOptions{Out: f.IO.Out, Root: cmd.Root(), Shell: args[0]}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCompletion(cmd.Context(), opts)
		},
	}
}

func runCompletion(_ context.Context, opts *CompletionOptions) error {
	switch opts.Shell {
	case "bash":
		return opts.Root.GenBashCompletionV2(opts.Out, true)
	case "zsh":
		return opts.Root.GenZshCompletion(opts.Out)
	case "fish":
		return opts.Root.GenFishCompletion(opts.Out, true)
	default:
		return opts.Root.GenPowerShellCompletionWithDesc(opts.Out)
	}
}
