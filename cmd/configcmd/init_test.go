package configcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

func TestInitWritesValidDefaults(t *testing.T) {
	dir := t.TempDir()
	io, _, out, errOut := cmdutil.Test()
	if err := runInit(context.Background(), &InitOptions{IO: io, Path: "settings.toml", WorkDir: dir}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "settings.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(config.Sample()) {
		t.Errorf("written file differs from config.Sample()")
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "wrote settings.toml") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	if _, err := config.CheckFile(config.LoadOptions{WorkDir: dir, LookupEnv: noEnv}); err != nil {
		t.Errorf("written file is invalid: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "settings.toml")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, %v; want 0600", st.Mode(), err)
	}
	assertNoTempFiles(t, dir)
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.toml")
	if err := os.WriteFile(path, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	io, _, _, errOut := cmdutil.Test()
	err := runInit(context.Background(), &InitOptions{IO: io, Path: "settings.toml", WorkDir: dir})
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "settings.toml already exists: pass --force") {
		t.Fatalf("err = %v, want a usage error suggesting --force", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "# mine\n" {
		t.Errorf("file was changed to %q", data)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q", errOut)
	}
	assertNoTempFiles(t, dir)

	if err := runInit(context.Background(), &InitOptions{IO: io, Path: "settings.toml", WorkDir: dir, Force: true}); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != string(config.Sample()) {
		t.Errorf("--force did not overwrite")
	}
	assertNoTempFiles(t, dir)
}

func TestInitPaths(t *testing.T) {
	dir := t.TempDir()
	io, _, out, _ := cmdutil.Test()
	if err := runInit(context.Background(), &InitOptions{IO: io, Path: "-", WorkDir: dir}); err != nil {
		t.Fatal(err)
	}
	if out.String() != string(config.Sample()) {
		t.Errorf("--path - printed %d bytes, want the sample", out.Len())
	}
	nested := filepath.Join(dir, "xdg", "resync", "settings.toml")
	if err := runInit(context.Background(), &InitOptions{IO: io, Path: nested, WorkDir: "/nonexistent"}); err != nil {
		t.Fatalf("absolute nested path: %v", err)
	}
	if _, err := os.Stat(nested); err != nil {
		t.Error(err)
	}
	if err := runInit(context.Background(), &InitOptions{IO: io, Path: "", WorkDir: dir}); cmdutil.ExitCode(err) != 2 {
		t.Errorf("empty path: err = %v, want exit 2", err)
	}
}

func TestInitRefusesDirectories(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "existing"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path   string
		force        bool
		mustNotExist string // created by nothing
	}{
		{"trailing slash, new", "newdir/", false, "newdir"},
		{"trailing slash, existing", "existing/", false, ""},
		{"existing directory", "existing", false, ""},
		{"existing directory, --force", "existing", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _, _ := cmdutil.Test()
			err := runInit(context.Background(), &InitOptions{IO: io, Path: tt.path, Force: tt.force, WorkDir: dir})
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "is a directory: give a file name") {
				t.Fatalf("err = %v, want exit 2 saying it is a directory", err)
			}
			if tt.mustNotExist != "" {
				if _, err := os.Stat(filepath.Join(dir, tt.mustNotExist)); err == nil {
					t.Errorf("%s was created", tt.mustNotExist)
				}
			}
			assertNoTempFiles(t, filepath.Join(dir, "existing"))
		})
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
