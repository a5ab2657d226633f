package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// run executes resync in-process and returns its exit code and outputs.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "1.2.3", Commit: "abc", Date: "2026-01-15"})
	f.LookupEnv = func(string) (string, bool) { return "", false }
	f.WorkDir = t.TempDir()
	f.Signals = nil
	code = Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStderr string
	}{
		{"help", []string{"--help"}, cmdutil.ExitOK, ""},
		{"version", []string{"version"}, cmdutil.ExitOK, ""},
		{"unknown command", []string{"frobnicate"}, cmdutil.ExitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"version", "--frob"}, cmdutil.ExitUsage, "unknown flag: --frob"},
		{"bad output format", []string{"version", "-o", "yaml"}, cmdutil.ExitUsage, "not one of table, json, markdown"},
		{"extra argument", []string{"version", "extra"}, cmdutil.ExitUsage, "unknown command"},
		{"bad completion shell", []string{"completion", "tcsh"}, cmdutil.ExitUsage, `invalid argument "tcsh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.want {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.want, stderr)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestVersionIsStamped(t *testing.T) {
	_, out, _ := run(t, "version")
	if !strings.HasPrefix(out, "resync 1.2.3 (commit abc, built 2026-01-15") {
		t.Errorf("version output = %q", out)
	}
	_, out, _ = run(t, "version", "-o", "json")
	for _, want := range []string{`"version": "1.2.3"`, `"commit": "abc"`, `"date": "2026-01-15"`} {
		if !strings.Contains(out, want) {
			t.Errorf("version -o json = %q, want %s", out, want)
		}
	}
}

func TestEveryCommandHelpHasExitStatusAndExamples(t *testing.T) {
	io, _, _, _ := cmdutil.Test()
	root := NewRoot(cmdutil.NewFactory(io, cmdutil.BuildInfo{}))
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" {
			continue
		}
		if !strings.Contains(c.Long, "EXIT STATUS") {
			t.Errorf("%s: help has no EXIT STATUS section", c.CommandPath())
		}
		if c.Example == "" && c.Name() != "completion" { // completion's Long lists one line per shell
			t.Errorf("%s: help has no examples", c.CommandPath())
		}
	}
}
