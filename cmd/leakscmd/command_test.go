package leakscmd_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/testenv"
)

// run executes "resync ARGS" in-process with only the given environment
// and no settings file, as if piped.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
	f.WorkDir = t.TempDir()
	f.LookupEnv = func(k string) (string, bool) {
		if k == "XDG_CONFIG_HOME" || k == "HOME" {
			return f.WorkDir, true
		}
		v, ok := env[k]
		return v, ok
	}
	f.Signals = nil
	code = cmd.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestLeaksUsage(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr []string
	}{
		{"zero max-lifetime", nil, []string{"leaks", "--max-lifetime", "0", "--db", "postgres://x@h/db"}, 2, []string{"--max-lifetime", "greater than zero"}},
		{"word max-lifetime", nil, []string{"leaks", "--max-lifetime", "soon", "--db", "postgres://x@h/db"}, 2, []string{`"soon" is not a duration`}},
		{"negative max-lifetime", nil, []string{"leaks", "--max-lifetime", "-1h", "--db", "postgres://x@h/db"}, 2, []string{"negative"}},
		{"no targets", nil, []string{"leaks"}, 2, []string{"no targets to inspect", "--db URL", "--redis URL", "DATABASE_URL"}},
		{"too few watch samples", nil, []string{"leaks", "--watch", "5s", "--interval", "5s", "--redis", "redis://h:6379"}, 2, []string{"fewer than 3 samples"}},
		{"zero interval", nil, []string{"leaks", "--interval", "0", "--redis", "redis://h:6379"}, 2, []string{"--interval"}},
		{"positional argument", nil, []string{"leaks", "postgres://x@h/db"}, 2, []string{"unknown command"}},
		{"redis URL in --db", nil, []string{"leaks", "--db", "redis://:pw-secret@h:6379"}, 2, []string{"redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.env, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if stdout != "" {
				t.Errorf("a usage error must come before any output; stdout:\n%s", stdout)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if strings.Contains(stderr, "pw-secret") {
				t.Errorf("password in stderr: %s", stderr)
			}
		})
	}
}

// An unreachable target is a finding in the report, not a crash; with
// --fail-on-leaks it fails the run after the report.
func TestLeaksUnreachableTarget(t *testing.T) {
	const pg = "postgres://app:pw-secret@127.0.0.1:1/app?connect_timeout=2"
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"leaks", "--db", pg}, 1},
		{[]string{"leaks", "--db", pg, "--fail-on-leaks"}, 3},
	} {
		code, stdout, stderr := run(t, nil, tt.args...)
		if code != tt.code {
			t.Fatalf("%v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr)
		}
		if !strings.Contains(stdout, "unreachable") || !strings.Contains(stdout, "app:***@127.0.0.1:1") {
			t.Errorf("report should show the target unreachable with its redacted URL:\n%s", stdout)
		}
		if strings.Contains(stdout+stderr, "pw-secret") {
			t.Errorf("password printed")
		}
		if tt.code == 3 && !strings.Contains(stderr, "1 target could not be inspected") {
			t.Errorf("stderr = %q", stderr)
		}
	}
}

// Targets come from the environment (TARGETS.DATABASE_URLS ← DATABASE_URL)
// when no flag is given.
func TestLeaksTargetsFromConfig(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://env@127.0.0.1:1/envdb?connect_timeout=2"}
	code, stdout, stderr := run(t, env, "leaks", "-o", "json")
	if code != 1 { // the target is unreachable: the report, then exit 1
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Targets []struct{ Name, URL string }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Name != "database" || !strings.Contains(rep.Targets[0].URL, "envdb") {
		t.Fatalf("targets = %+v", rep.Targets)
	}
}

// The whole command against a real session that sits in a transaction: the
// JSON report names it, and --fail-on-leaks exits 3.
func TestLeaksFindsIdleInTransaction(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	cfg, err := pgx.ParseConfig(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = "cmd-leak-holder"
	ctx := context.Background()
	holder, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	var pid int
	if err := holder.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}

	type leak struct {
		Kind     string
		ID       string
		Severity string
		Evidence map[string]string
	}
	var report struct {
		Summary struct {
			Leaks int `json:"potential_leaks"`
		}
		Targets []struct {
			Leaks []leak `json:"potential_leaks"`
		}
	}
	found := func(stdout string) bool {
		if err := json.Unmarshal([]byte(stdout), &report); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
		}
		for _, tg := range report.Targets {
			for _, l := range tg.Leaks {
				if l.ID == strconv.Itoa(pid) && l.Kind == "idle_in_transaction" && l.Severity == "critical" &&
					l.Evidence["application"] == "cmd-leak-holder" {
					return true
				}
			}
		}
		return false
	}
	for attempt := 0; ; attempt++ {
		code, stdout, stderr := run(t, nil, "leaks", "--max-lifetime", "1", "--db", pgURL, "-o", "json", "--fail-on-leaks")
		if found(stdout) {
			if code != 3 || !strings.Contains(stderr, "potential leak") {
				t.Fatalf("exit %d, stderr %q: want 3 with the reason", code, stderr)
			}
			break
		}
		if attempt == 100 {
			t.Fatalf("the idle-in-transaction session %d was never reported; last output:\n%s", pid, stdout)
		}
		waitABit()
	}
}
