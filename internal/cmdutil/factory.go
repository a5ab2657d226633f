package cmdutil

import (
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/config"
)

// GlobalOptions are the root command's persistent flags.
type GlobalOptions struct {
	ConfigFile string
	Env        string
	Output     *EnumValue // table | json | markdown | html
	OutputSet  bool       // -o was given
	OutputFile string     // --output-file
	Wide       bool       // --wide: text tables are not fitted to the terminal
	NoColor    bool
	Quiet      bool
	Verbose    bool
}

// Format returns the chosen output format.
func (g *GlobalOptions) Format() string { return g.Output.String() }

// BuildInfo is stamped at build time through -ldflags.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Factory hands every command what it needs from the outside world, so
// commands can be run in-process by tests with fakes.
type Factory struct {
	IO     *IOStreams
	Global *GlobalOptions
	Build  BuildInfo
	// LookupEnv reads environment variables; nil (production) is the
	// process environment, which the configuration's viper then reads
	// itself (BindEnv). Tests set a fixed map.
	LookupEnv func(string) (string, bool)
	WorkDir   string
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// Signals delivers SIGINT/SIGTERM; tests inject their own channel.
	Signals func() (<-chan os.Signal, func())
	// Abort is called on a second signal, after the context's abort
	// channel (Aborted) is closed. Only Main sets it: it stops waiting for
	// the command and returns exit code 130 to main at once.
	Abort func()

	quiet atomic.Bool // --quiet, for the signal handler (SetQuiet)
}

// NewFactory returns the production Factory.
func NewFactory(io *IOStreams, build BuildInfo) *Factory {
	return &Factory{
		IO:      io,
		Global:  &GlobalOptions{Output: NewEnum(string(output.Text), output.FormatNames()...)},
		Build:   build,
		WorkDir: ".",
		Now:     time.Now,
		Signals: func() (<-chan os.Signal, func()) {
			ch := make(chan os.Signal, 2)
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			return ch, func() { signal.Stop(ch) }
		},
	}
}

// Getenv reads one environment variable through LookupEnv.
func (f *Factory) Getenv(name string) (string, bool) {
	if f.LookupEnv == nil {
		return os.LookupEnv(name)
	}
	return f.LookupEnv(name)
}

// Config loads the configuration once per invocation (a fresh viper each
// time, see config.Load). bindings maps a
// command's flag names to the config keys they override ("duration" →
// "WORKLOAD.DURATION"); only flags the user actually set take part.
func (f *Factory) Config(cmd *cobra.Command, bindings map[string]string) (*config.Config, error) {
	var flags []config.FlagValue
	var empty error
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		key, ok := bindings[fl.Name]
		if !ok {
			return
		}
		val := fl.Value.String()
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			val = strings.Join(sv.GetSlice(), ",")
			if empty == nil && targetFlag(fl.Name) && (len(sv.GetSlice()) == 0 || slices.ContainsFunc(sv.GetSlice(), isBlank)) {
				empty = emptyTargetFlag(fl.Name)
			}
		} else if empty == nil && targetFlag(fl.Name) && isBlank(val) {
			empty = emptyTargetFlag(fl.Name)
		}
		flags = append(flags, config.FlagValue{Key: key, Flag: "--" + fl.Name, Value: val})
	})
	if empty != nil {
		return nil, empty
	}
	o := f.loadOptions()
	o.Flags = flags
	return config.Load(o)
}

// SettingsFile is the path of the settings file Config reads ("" for
// none), for serve to watch.
func (f *Factory) SettingsFile() string {
	path, _ := config.FindFile(f.loadOptions())
	return path
}

func (f *Factory) loadOptions() config.LoadOptions {
	return config.LoadOptions{
		File:      f.Global.ConfigFile,
		Env:       f.Global.Env,
		LookupEnv: f.LookupEnv,
		WorkDir:   f.WorkDir,
	}
}

// targetFlag reports whether name is one of the target flags.
func targetFlag(name string) bool { _, ok := targetKeys[name]; return ok }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// emptyTargetFlag is the error for --db ” and its kin: an explicitly empty
// URL is a mistake (an unset variable in a script), not "no target".
func emptyTargetFlag(name string) error {
	return Usagef("--%s is empty: give a URL, or leave the flag out to use the configured targets", name)
}
