package configcmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

// ShowOptions are the inputs of "config show".
type ShowOptions struct {
	IO     *cmdutil.IOStreams
	Format string // table | json | markdown
	// Load returns the effective configuration.
	Load func() (*config.Config, error)
}

func newShowCmd(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
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
			opts.Format = f.Global.Format()
			opts.Load = func() (*config.Config, error) { return f.Config(cmd, nil) }
			if runF != nil {
				return runF(opts)
			}
			return runShow(opts)
		},
	}
}

// setting is one row of "config show".
type setting struct {
	key    string
	value  any    // JSON-ready, redacted
	text   string // for tables, redacted
	source config.Source
}

func runShow(opts *ShowOptions) error {
	c, err := opts.Load()
	if err != nil {
		return err
	}
	var rows []setting
	for _, k := range config.Keys() {
		rows = append(rows, setting{key: k.Name, value: k.Value(c), text: k.Text(c), source: c.Sources[k.Name]})
	}
	switch opts.Format {
	case cmdutil.FormatJSON:
		return writeShowJSON(opts.IO.Out, rows)
	case cmdutil.FormatMarkdown:
		return writeShowTable(opts.IO.Out, rows, true)
	}
	if err := writeShowTable(opts.IO.Out, rows, false); err != nil {
		return err
	}
	if !opts.IO.Quiet {
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

func writeShowTable(w io.Writer, rows []setting, markdown bool) error {
	var r tw.Renderer = renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})
	if markdown {
		r = renderer.NewMarkdown()
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	)
	t.Header("KEY", "VALUE", "SOURCE")
	for _, s := range rows {
		text := s.text
		if text == "" {
			text = "-"
		}
		if err := t.Append(s.key, text, s.source.String()); err != nil {
			return err
		}
	}
	return t.Render()
}

// writeShowJSON writes {"KEY": {"value": …, "source": {…}}, …} in key
// order (encoding/json would sort the keys).
func writeShowJSON(w io.Writer, rows []setting) error {
	var b bytes.Buffer
	b.WriteString("{")
	for i, s := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // URLs keep their & and ?
		if err := enc.Encode(s.key); err != nil {
			return err
		}
		b.WriteString(":")
		if err := enc.Encode(struct {
			Value  any           `json:"value"`
			Source config.Source `json:"source"`
		}{s.value, s.source}); err != nil {
			return err
		}
	}
	b.WriteString("}")
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return err
	}
	out.WriteString("\n")
	_, err := out.WriteTo(w)
	return err
}
