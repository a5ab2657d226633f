package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/resync-dev/resync/cmd/servecmd/servetest"
	"github.com/resync-dev/resync/internal/testenv"
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
		Cmds:                scriptCmds(), // freeport, httpget (serve scripts), pgbouncer
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
			if cond == "pgbouncer" { // [!pgbouncer] skip: fails instead when services are required
				if testenv.PgbouncerBin() == "" && testenv.Required() {
					return false, errors.New(testenv.PgbouncerMissing)
				}
				return testenv.PgbouncerBin() != "", nil
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

func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := servetest.Cmds()
	cmds["pgbouncer"] = pgbouncerCmd
	return cmds
}

// pgbouncerCmd is "pgbouncer POOL_SIZE": a private pgbouncer
// (testenv.LaunchPgbouncer) in front of $RESYNC_TEST_POSTGRES_URL, stopped
// by its PID when the script ends. One query goes through it first, so its
// pool exists (pgbouncer makes a pool at its first client). It sets
// $PGBOUNCER_URL (through it to the database), $PGBOUNCER_STATS_URL (the
// console, as a stats_users user) and $PGBOUNCER_POOL (database/user).
func pgbouncerCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pgbouncer POOL_SIZE")
	}
	size, err := strconv.Atoi(args[0])
	ts.Check(err)
	dir := ts.MkAbs("pgbouncer-run")
	ts.Check(os.MkdirAll(dir, 0o755))
	p, stop, err := testenv.LaunchPgbouncer(dir, ts.Getenv(testenv.PostgresVar), testenv.PgbouncerOptions{PoolSize: size})
	ts.Check(err)
	ts.Defer(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, p.URL)
	ts.Check(err)
	_, err = conn.Exec(ctx, "SELECT 1").ReadAll()
	ts.Check(err)
	ts.Check(conn.Close(ctx))
	ts.Setenv("PGBOUNCER_URL", p.URL)
	ts.Setenv("PGBOUNCER_STATS_URL", p.StatsURL)
	ts.Setenv("PGBOUNCER_POOL", testenv.PgbouncerDB+"/"+p.User)
}
