package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/resync-dev/resync/cmd/servecmd/servetest"
)

// TestMain lets the test binary act as the resync command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"resync": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script/*.txtar.
// Each script runs in a fresh directory with HOME and XDG_CONFIG_HOME inside
// it, so no settings file from the machine leaks in. The RESYNC_TEST_*
// service URLs are passed through, so scripts can use
// [!env:RESYNC_TEST_POSTGRES_URL] skip to need a real server. TRACES points at
// the shared key traces when they are present.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(filepath.Join("..", "testdata", "script")))
}

// scriptParams are the testscript parameters of the scripts in dir.
func scriptParams(dir string) testscript.Params {
	traces, _ := filepath.Abs(filepath.Join("..", "..", "shared", "traces"))
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: false,
		Cmds:                servetest.Cmds(), // freeport, httpget (serve scripts)
		// [env:NAME] holds when NAME is set and not empty in the script's
		// environment, e.g. [!env:RESYNC_TEST_POSTGRES_URL] skip.
		Condition: func(cond string) (bool, error) {
			if name, ok := strings.CutPrefix(cond, "env:"); ok {
				if name == "TRACES" { // set by Setup, not in the process environment
					_, err := os.Stat(traces)
					return err == nil, nil
				}
				return os.Getenv(name) != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("NO_COLOR", "1")
			for _, name := range []string{
				"RESYNC_TEST_POSTGRES_URL", "RESYNC_TEST_MYSQL_URL", "RESYNC_TEST_REDIS_URL",
				"RESYNC_TEST_REQUIRE_SERVICES",
			} {
				if v, ok := os.LookupEnv(name); ok {
					env.Setenv(name, v)
				}
			}
			if _, err := os.Stat(traces); err == nil {
				env.Setenv("TRACES", traces)
			}
			return nil
		},
	}
}
