package configcmd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
)

const planted = "hunter2PLANTED"

// run executes resync in-process in dir with the given variables.
func run(t *testing.T, dir string, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
	f.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	f.WorkDir = dir
	f.Signals = nil
	code = cmd.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	settings := "[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = 50\n[staging.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = 70\n"
	if err := os.WriteFile(filepath.Join(dir, "custom.toml"), []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.toml"), []byte("[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZ = 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"RESYNC_ENV": "staging", "DATABASE_URL": "postgres://u:" + planted + "@db/app"}
	tests := []struct {
		name       string
		args       []string
		vars       map[string]string
		wantCode   int
		wantOut    []string
		wantStderr []string
	}{
		{"show table", []string{"--config", "custom.toml", "config", "show"}, vars, 0,
			[]string{"│ DB_POOL_MAX_SIZE ", "│ 70 ", "file custom.toml:4", "postgres://u:***@db/app", "env DATABASE_URL"},
			[]string{"settings file custom.toml, environment staging"}},
		{"show json with --env", []string{"--config", "custom.toml", "--env", "default", "config", "show", "-o", "json"}, vars, 0,
			[]string{`"CONNECTION_POOL.DB_POOL_MAX_SIZE": {` + "\n" + `    "value": 50,`}, nil},
		{"show markdown", []string{"config", "show", "-o", "markdown"}, nil, 0,
			[]string{"### WORKLOAD", "| Key | Value | Source |", "| --- | --- | --- |", "| DISTRIBUTION |"}, nil},
		{"show with a bad file", []string{"--config", "bad.toml", "config", "show"}, nil, 2,
			nil, []string{"bad.toml:2: unknown key DB_POOL_MAX_SIZ", "did you mean DB_POOL_MAX_SIZE?"}},
		{"show with an unknown environment", []string{"--config", "custom.toml", "--env", "prod", "config", "show"}, nil, 2,
			nil, []string{`flag --env: environment "prod" is not in custom.toml, which has [default], [staging]`}},
		{"validate argument", []string{"config", "validate", "custom.toml"}, nil, 0,
			[]string{"ok: custom.toml is valid (environments: default, staging)"}, nil},
		{"validate --config", []string{"--config", "bad.toml", "config", "validate"}, nil, 2,
			nil, []string{"resync: invalid configuration: bad.toml:2: unknown key DB_POOL_MAX_SIZ"}},
		{"validate two files", []string{"config", "validate", "a", "b"}, nil, 2,
			nil, []string{"accepts at most 1 arg"}},
		{"unknown subcommand", []string{"config", "shwo"}, nil, 2,
			nil, []string{`unknown command "shwo" for "resync config": did you mean show?`}},
		{"bare config shows help", []string{"config"}, nil, 0,
			[]string{"Available Commands:", "validate"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, dir, tt.vars, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(out+stderr, planted) {
				t.Errorf("output leaks the password")
			}
		})
	}
}

func TestInitCommand(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, dir, nil, "config", "init"); code != 0 || !strings.Contains(stderr, "wrote settings.toml") {
		t.Fatalf("init: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr := run(t, dir, nil, "config", "init")
	if code != 2 || !strings.Contains(stderr, "settings.toml already exists: pass --force") {
		t.Errorf("second init: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, dir, nil, "config", "init", "--force", "-q"); code != 0 || stderr != "" {
		t.Errorf("init --force -q: exit %d, stderr %q", code, stderr)
	}
	if code, out, _ := run(t, dir, nil, "config", "validate"); code != 0 || !strings.HasPrefix(out, "ok: settings.toml is valid") {
		t.Errorf("validate after init: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, dir, nil, "config", "init", "--path", "-"); code != 0 || !strings.Contains(out, "[default.WORKLOAD]") {
		t.Errorf("init --path -: exit %d", code)
	}
}

func TestHelpHasExamplesAndExitStatus(t *testing.T) {
	for _, sub := range []string{"show", "validate", "init"} {
		code, out, _ := run(t, t.TempDir(), nil, "config", sub, "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d", sub, code)
		}
		for _, w := range []string{"Examples:", "resync config " + sub, "EXIT STATUS"} {
			if !strings.Contains(out, w) {
				t.Errorf("config %s --help lacks %q", sub, w)
			}
		}
	}
}
