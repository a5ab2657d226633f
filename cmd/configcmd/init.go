package configcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

// InitOptions are the inputs of "config init".
type InitOptions struct {
	IO      *cmdutil.IOStreams
	Path    string // where to write; "-" = stdout
	Force   bool   // overwrite an existing file
	WorkDir string // relative paths are relative to it
}

func newInitCmd(f *cmdutil.Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented settings.toml with every default",
		Long: `Write a settings file holding every key at its default under [default.*], each
with a comment saying what it does and which environment variable overrides it.
The target URLs are written as commented-out examples.

An existing file is left alone unless --force is given. The file is written to
a temporary file first and renamed into place, so it is never half-written; it
is created with mode 0600 because target URLs may carry passwords.`,
		Example: `  resync config init
  resync config init --path ~/.config/resync/settings.toml
  resync config init --force                 # replace ./settings.toml
  resync config init --path - | less         # print it instead`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.WorkDir = f.WorkDir
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Path, "path", config.SettingsFileName, `file to write ("-" for standard output)`)
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite the file if it exists")
	return cmd
}

func runInit(_ context.Context, opts *InitOptions) error {
	data := config.Sample()
	if opts.Path == "-" {
		_, err := opts.IO.Out.Write(data)
		return err
	}
	if opts.Path == "" {
		return cmdutil.Usagef("--path is empty: give the file to write, or - for standard output")
	}
	path := opts.Path
	if !filepath.IsAbs(path) && opts.WorkDir != "" {
		path = filepath.Join(opts.WorkDir, path)
	}
	// A directory is refused before anything is created: writeAtomic would
	// make "dir/" and only then find the name taken.
	if fi, err := os.Stat(path); strings.HasSuffix(opts.Path, "/") || strings.HasSuffix(opts.Path, string(filepath.Separator)) ||
		(err == nil && fi.IsDir()) {
		return cmdutil.Usagef("--path %s is a directory: give a file name, e.g. --path %s", opts.Path,
			filepath.Join(opts.Path, config.SettingsFileName))
	}
	if err := writeAtomic(path, data, opts.Force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cmdutil.Usagef("%s already exists: pass --force to overwrite it, or --path to write another file", opts.Path)
		}
		return fmt.Errorf("writing %s: %w", opts.Path, err)
	}
	if !opts.IO.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "wrote %s with every default; edit it, then run: resync config validate %s\n", opts.Path, opts.Path)
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and moves it into
// place: renamed over path when overwrite is set, otherwise hard-linked,
// which fails with fs.ErrExist if path appeared meanwhile.
func writeAtomic(path string, data []byte, overwrite bool) error {
	dir := filepath.Dir(path)
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fs.ErrExist
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if overwrite {
		return os.Rename(tmp.Name(), path)
	}
	err = os.Link(tmp.Name(), path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system: fall back to a rename
		// after the existence check above.
		return os.Rename(tmp.Name(), path)
	}
	return err
}
