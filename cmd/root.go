// Package cmd is resync's command tree. Main builds it, runs it and maps the
// outcome to an exit code; nothing below it exits the process.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/cmd/cachecmd"
	"github.com/resync-dev/resync/cmd/configcmd"
	"github.com/resync-dev/resync/cmd/leakscmd"
	"github.com/resync-dev/resync/cmd/poolscmd"
	"github.com/resync-dev/resync/cmd/reportcmd"
	"github.com/resync-dev/resync/cmd/servecmd"
	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/redact"
)

// Stamped by goreleaser through -ldflags "-X github.com/resync-dev/resync/cmd.version=…".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Main runs resync with the process's arguments and returns the exit code.
// A second SIGINT/SIGTERM returns ExitInterrupted at once, without waiting
// for the command's clean shutdown: main exits with it.
func Main() int {
	f := cmdutil.NewFactory(cmdutil.System(), cmdutil.BuildInfo{Version: version, Commit: commit, Date: date})
	return abortable(f, func() int { return Run(context.Background(), f, os.Args[1:]) })
}

// abortable returns run's exit code, or ExitInterrupted as soon as f.Abort
// is called (the second signal), leaving run behind: main exits with it.
func abortable(f *cmdutil.Factory, run func() int) int {
	aborted := make(chan struct{})
	f.Abort = func() { close(aborted) } // called at most once
	code := make(chan int, 1)
	go func() { code <- run() }()
	select {
	case c := <-code:
		return c
	case <-aborted:
		return cmdutil.ExitInterrupted
	}
}

// Run executes one invocation with the given factory and arguments; tests
// call it in-process. It owns the invocation's root context: cancelled on
// the first SIGINT/SIGTERM from f.Signals, aborted on the second
// (cmdutil.Aborted). Every command gets it as cmd.Context().
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	ctx, stop := f.WithSignals(ctx)
	defer stop()
	root := NewRoot(f)
	root.SetArgs(args)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = &cmdutil.UsageError{Err: err}
	}
	if err != nil && !errors.Is(err, cmdutil.ErrSilent) {
		var finding *cmdutil.FindingError
		switch {
		case errors.Is(err, context.Canceled):
			// the command already printed its partial output
		case errors.As(err, &finding):
			fmt.Fprintln(f.IO.ErrOut, "resync: "+finding.Reason)
		default:
			fmt.Fprintln(f.IO.ErrOut, "resync: "+redact.Text(err.Error()))
		}
	}
	return cmdutil.ExitCode(err)
}

// NewRoot builds the command tree.
func NewRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "resync",
		Short: "Diagnose caches, connection pools and resource leaks against real targets",
		Long: `resync runs its own embedded cache, connection pools and resource tracker
against real targets — PostgreSQL, MySQL/MariaDB and SQLite databases, Redis,
HTTP(S) endpoints — and prints efficiency scores, pool-sizing recommendations
and leak reports: tables for people, JSON or Markdown for CI.

With no target configured, resync runs against embedded targets (SQLite,
an in-process Redis and an HTTP server), so "resync report" works at once.`,
		Example: `  resync report                                   # embedded targets, full diagnostic
  resync report --db postgres://app@db:5432/app --redis redis://cache:6379
  resync pools recommend --db postgres://app@db/app
  resync leaks --max-lifetime 1h --db postgres://app@db/app --fail-on-leaks
  resync cache simulate --trace keys.txt.gz --capacity 1000,10000,100000
  resync config show -o json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			f.IO.SetNoColor(f.Global.NoColor)
			f.Global.OutputSet = cmd.Flags().Changed("output")
			if err := f.Printer().Check(); err != nil {
				return err
			}
			f.SetQuiet(f.Global.Quiet)
			f.IO.Verbose = f.Global.Verbose
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.UsageError{Err: fmt.Errorf("%w (see --help)", err)}
	})
	g := f.Global
	pf := root.PersistentFlags()
	pf.StringVar(&g.ConfigFile, "config", "", "settings file (default: $RESYNC_CONFIG, ./settings.toml, $XDG_CONFIG_HOME/resync/settings.toml)")
	pf.StringVar(&g.Env, "env", "", "environment table to apply over [default], e.g. production (default: $RESYNC_ENV)")
	pf.VarP(g.Output, "output", "o", "output format: table, json, markdown or html")
	pf.StringVar(&g.OutputFile, "output-file", "", "also write the result to this file, atomically; the format comes from its extension (.json, .md, .html, .txt), else -o, else JSON")
	pf.BoolVar(&g.Wide, "wide", false, "do not fit tables to the terminal: show every column, unwrapped")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour and styling (also NO_COLOR)")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only the result: no progress, hints or warnings")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "log details to stderr")

	root.AddCommand(
		reportcmd.New(f),
		poolscmd.New(f),
		leakscmd.New(f),
		cachecmd.New(f),
		servecmd.New(f),
		configcmd.New(f),
		newVersionCmd(f, nil),
		newCompletionCmd(f, nil),
	)
	addExitStatus(root)
	usageArgs(root)
	warningsToStderr(root, f.IO.ErrOut)
	return root
}

// usageArgs makes positional-argument errors usage errors (exit 2), like
// flag errors, on every command.
func usageArgs(c *cobra.Command) {
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return &cmdutil.UsageError{Err: fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// addExitStatus appends the EXIT STATUS section to every command's help.
func addExitStatus(c *cobra.Command) {
	if !strings.Contains(c.Long, "EXIT STATUS") {
		if c.Long == "" {
			c.Long = c.Short
		}
		c.Long = strings.TrimRight(c.Long, "\n") + "\n\n" + cmdutil.ExitStatusHelp
	}
	for _, sub := range c.Commands() {
		addExitStatus(sub)
	}
}

// warningsToStderr sends pflag's own messages (a deprecated flag's warning)
// to stderr: cobra would print them on stdout, into the JSON.
func warningsToStderr(c *cobra.Command, w io.Writer) {
	c.Flags().SetOutput(w)
	for _, sub := range c.Commands() {
		warningsToStderr(sub, w)
	}
}
