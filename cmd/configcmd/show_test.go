package configcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// planted is the password in testdata/settings.toml and in the variables
// below; it must never be printed.
const planted = "hunter2PLANTED"

// fixtureLoad loads testdata/settings.toml as ./settings.toml with the
// production environment, one variable per layer and one flag.
func fixtureLoad(t *testing.T) func() (*config.Config, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "settings.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "settings.toml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"DB_POOL_MIN_SIZE": "10",
		"REDIS_URL":        "redis://:" + planted + "@cache:6379/0",
		"RESYNC_HTTP_URL":  "https://api.example.com/health?token=" + planted,
	}
	return func() (*config.Config, error) {
		return config.Load(config.LoadOptions{
			WorkDir: dir, Env: "production",
			LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			Flags:     []config.FlagValue{{Key: "WORKLOAD.CONCURRENCY", Flag: "--concurrency", Value: "64"}},
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/configcmd -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./cmd/configcmd -update to accept):\n%s", path, got)
	}
}

func TestShowGolden(t *testing.T) {
	for _, format := range []string{cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatMarkdown} {
		t.Run(format, func(t *testing.T) {
			io, _, out, errOut := cmdutil.Test()
			err := runShow(context.Background(), &ShowOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Format(format)}, Load: fixtureLoad(t)})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "show_"+format+".golden", out.Bytes())
			if strings.Contains(out.String()+errOut.String(), planted) {
				t.Errorf("output leaks the planted password")
			}
		})
	}
}

// TestShowSources checks the golden file's key facts, so a careless
// -update cannot bless a wrong precedence.
func TestShowSources(t *testing.T) {
	io, _, out, _ := cmdutil.Test()
	if err := runShow(context.Background(), &ShowOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Format(cmdutil.FormatJSON)}, Load: fixtureLoad(t)}); err != nil {
		t.Fatal(err)
	}
	var got map[string]struct {
		Value  any           `json:"value"`
		Source config.Source `json:"source"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	if len(got) != len(config.Keys()) {
		t.Errorf("%d keys, want %d", len(got), len(config.Keys()))
	}
	checks := []struct {
		key    string
		value  any
		source string
	}{
		{"ASYNC_CACHE.TTL_SECONDS", 90.0, "file settings.toml:3"},
		{"ASYNC_CACHE.CLEANUP_INTERVAL", 30.0, "default"},
		{"CONNECTION_POOL.DB_POOL_MAX_SIZE", 200.0, "file settings.toml:18"},
		{"CONNECTION_POOL.DB_POOL_MIN_SIZE", 10.0, "env DB_POOL_MIN_SIZE"},
		{"CONNECTION_POOL.REDIS_POOL_CONNECT_TIMEOUT", 2.5, "file settings.toml:8"},
		{"TARGETS.REDIS_URL", "redis://:***@cache:6379/0", "env REDIS_URL"},
		{"WORKLOAD.DURATION", "1m0s", "file settings.toml:14"},
		{"WORKLOAD.CONCURRENCY", 64.0, "flag --concurrency"},
	}
	for _, c := range checks {
		g := got[c.key]
		if g.Value != c.value || g.Source.String() != c.source {
			t.Errorf("%s = %v from %q, want %v from %q", c.key, g.Value, g.Source, c.value, c.source)
		}
	}
	urls, _ := got["TARGETS.DATABASE_URLS"].Value.([]any)
	if len(urls) != 2 || urls[0] != "postgres://app:***@db:5432/app?sslmode=disable" {
		t.Errorf("DATABASE_URLS = %v", urls)
	}
}

func TestShowHint(t *testing.T) {
	io, _, _, errOut := cmdutil.Test()
	if err := runShow(context.Background(), &ShowOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Format(cmdutil.FormatTable)}, Load: fixtureLoad(t)}); err != nil {
		t.Fatal(err)
	}
	if got := errOut.String(); got != "settings file settings.toml, environment production\n" {
		t.Errorf("stderr = %q", got)
	}
	io, _, _, errOut = cmdutil.Test()
	io.Quiet = true
	if err := runShow(context.Background(), &ShowOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Format(cmdutil.FormatTable)}, Load: fixtureLoad(t)}); err != nil {
		t.Fatal(err)
	}
	if errOut.Len() != 0 {
		t.Errorf("quiet stderr = %q", errOut)
	}
}

// TestShowError: a configuration error is returned before any output,
// with exit code 2 and no password.
func TestShowError(t *testing.T) {
	io, _, out, _ := cmdutil.Test()
	err := runShow(context.Background(), &ShowOptions{IO: io, Printer: &cmdutil.Printer{IO: io, Format: output.Format(cmdutil.FormatTable)}, Load: func() (*config.Config, error) {
		return config.Load(config.LoadOptions{WorkDir: t.TempDir(), LookupEnv: func(k string) (string, bool) {
			if k == "DATABASE_URL" {
				return "mongodb://u:" + planted + "@db/app", true
			}
			return "", false
		}})
	}})
	if cmdutil.ExitCode(err) != 2 {
		t.Fatalf("err = %v, want exit code 2", err)
	}
	if out.Len() != 0 {
		t.Errorf("output before the error: %q", out)
	}
	if msg := err.Error(); !strings.Contains(msg, `env DATABASE_URL: TARGETS.DATABASE_URLS = "mongodb://u:***@db/app": unsupported scheme`) || strings.Contains(msg, planted) {
		t.Errorf("message = %q", msg)
	}
}
