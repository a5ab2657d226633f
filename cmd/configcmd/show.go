package configcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/config"
)

// ShowOptions are the inputs of "config show".
type ShowOptions struct {
	IO      *cmdutil.IOStreams
	Printer *cmdutil.Printer
	// Load returns the effective configuration.
	Load func() (*config.Config, error)
}

func newShowCmd(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration and the source of every value",
		Long: `Print every configuration key with its effective value and where the value came
from: default, file (with the line), env (the variable) or flag.

Passwords and secret parameters in target URLs are shown as ***. With -o json
the output is an object keyed by KEY, each holding "value" and "source".`,
		Example: `  resync config show
  resync config show -o json | jq '."CONNECTION_POOL.DB_POOL_MAX_SIZE"'
  DB_POOL_MAX_SIZE=50 resync --env production config show
  resync --config ci.toml config show -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Printer = f.Printer()
			opts.Load = func() (*config.Config, error) { return f.Config(cmd, nil) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runShow(cmd.Context(), opts)
		},
	}
}

// settings is the result of "config show": every key in registry order
// with its effective (redacted) value and its source.
type settings []setting

// setting is one row of "config show".
type setting struct {
	key    string
	value  any    // JSON-ready, redacted
	text   string // for tables, redacted
	source config.Source
}

func runShow(_ context.Context, opts *ShowOptions) error {
	c, err := opts.Load()
	if err != nil {
		return err
	}
	var rows settings
	for _, k := range config.Keys() {
		rows = append(rows, setting{key: k.Name, value: k.Value(c), text: k.Text(c), source: c.Sources[k.Name]})
	}
	if err := opts.Printer.Print(rows); err != nil {
		return err
	}
	if !opts.IO.Quiet && opts.Printer.Format == output.Text {
		fmt.Fprintln(opts.IO.ErrOut, describeOrigin(c))
	}
	return nil
}

// describeOrigin is the hint under the table: which file and environment.
func describeOrigin(c *config.Config) string {
	file := "no settings file (defaults, environment and flags only)"
	if c.File != "" {
		file = "settings file " + c.File
	}
	if c.Env != "" {
		return file + ", environment " + c.Env
	}
	return file
}

// Doc is one table per settings table (ASYNC_CACHE, CONNECTION_POOL,
// TARGETS, WORKLOAD), as the file lays them out: key, value, source.
// Values wrap (a list of URLs) and are never cut.
func (s settings) Doc() *output.Doc {
	d := &output.Doc{}
	var t *output.Table
	for _, r := range s {
		section, key, _ := strings.Cut(r.key, ".")
		if t == nil || t.Title != section {
			t = output.NewTable(section, output.Col("key"), output.Wrapped("value", 12), output.Col("source"))
			d.Add(t)
		}
		text := r.text
		if text == "" {
			text = output.Dash
		}
		t.Row(output.S(key), output.S(text), output.S(r.source.String()))
	}
	return d
}

// MarshalJSON writes {"KEY": {"value": …, "source": {…}}, …} in registry
// order (a map would sort the keys).
func (s settings) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, r := range s {
		if i > 0 {
			b.WriteString(",")
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // URLs keep their & and ?
		if err := enc.Encode(r.key); err != nil {
			return nil, err
		}
		b.WriteString(":")
		if err := enc.Encode(struct {
			Value  any           `json:"value"`
			Source config.Source `json:"source"`
		}{r.value, r.source}); err != nil {
			return nil, err
		}
	}
	b.WriteString("}")
	return b.Bytes(), nil
}
