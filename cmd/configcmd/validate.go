package configcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
)

// ValidateOptions are the inputs of "config validate".
type ValidateOptions struct {
	IO     *cmdutil.IOStreams
	Format string // table | json | markdown
	// Load says which file to check: File set from the FILE argument or
	// --config, otherwise discovered from WorkDir and the environment.
	Load config.LoadOptions
}

func newValidateCmd(f *cmdutil.Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a settings file and report every problem in it",
		Long: `Check a settings file: TOML syntax, tables, key names, value types, and the
configuration every environment in it yields (sizes, min <= max, durations,
target URLs). Every problem is reported with its line and how to fix it.

FILE defaults to the file resync would read: --config, $RESYNC_CONFIG,
./settings.toml or $XDG_CONFIG_HOME/resync/settings.toml. Environment
variables and flags that set keys are not applied: this checks the file
alone (use "resync config show" for the effective configuration).

Prints "ok: FILE is valid" and exits 0, or lists the problems and exits 2.`,
		Example: `  resync config validate
  resync config validate deploy/settings.toml
  resync config validate -o json settings.toml   # {"file": …, "valid": …, "problems": […]}`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Format = f.Global.Format()
			opts.Load = config.LoadOptions{File: f.Global.ConfigFile, LookupEnv: f.LookupEnv, WorkDir: f.WorkDir}
			if len(args) == 1 {
				opts.Load.File, opts.Load.FileIsArg = args[0], true
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runValidate(cmd.Context(), opts)
		},
	}
}

// validateResult is the JSON form of the outcome.
type validateResult struct {
	File         string          `json:"file"`
	Valid        bool            `json:"valid"`
	Environments []string        `json:"environments"`
	Problems     []problemResult `json:"problems"`
}

type problemResult struct {
	Key    string         `json:"key,omitempty"`
	Value  string         `json:"value,omitempty"`
	Source *config.Source `json:"source,omitempty"`
	Reason string         `json:"reason"`
	Text   string         `json:"message"`
}

func runValidate(_ context.Context, opts *ValidateOptions) error {
	rep, err := config.CheckFile(opts.Load)
	if opts.Format != cmdutil.FormatJSON {
		if err != nil {
			return err
		}
		envs := "no environment tables, so the defaults apply"
		if len(rep.Envs) > 0 {
			envs = "environments: " + strings.Join(rep.Envs, ", ")
		}
		_, err := fmt.Fprintf(opts.IO.Out, "ok: %s is valid (%s)\n", rep.Name, envs)
		return err
	}

	res := validateResult{File: rep.Name, Valid: err == nil, Environments: rep.Envs, Problems: []problemResult{}}
	if res.Environments == nil {
		res.Environments = []string{}
	}
	var cerr *config.Error
	if err != nil && !errors.As(err, &cerr) {
		return err
	}
	if cerr != nil {
		if res.File == "" {
			_, res.File = config.FindFile(opts.Load)
		}
		for _, p := range cerr.Problems {
			r := problemResult{Key: p.Key, Value: p.Value, Reason: redact.Text(p.Reason), Text: p.Error()}
			if p.Source.Kind != "" {
				r.Source = &p.Source
			}
			res.Problems = append(res.Problems, r)
		}
	}
	enc := json.NewEncoder(opts.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if werr := enc.Encode(res); werr != nil {
		return werr
	}
	if err != nil {
		// The problems are on stdout; exit 2 without repeating them.
		return &reportedError{err}
	}
	return nil
}

// reportedError is a failure whose details were already printed: Run
// stays silent (cmdutil.ErrSilent) but the exit code is the cause's.
type reportedError struct{ err error }

func (e *reportedError) Error() string   { return e.err.Error() }
func (e *reportedError) Unwrap() []error { return []error{cmdutil.ErrSilent, e.err} }
