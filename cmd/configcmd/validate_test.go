package configcmd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

func noEnv(string) (string, bool) { return "", false }

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		file    string // written to the work dir as the given path
		path    string
		arg     bool
		wantOut string
		wantErr []string
	}{
		{name: "discovered and valid", file: "[default.WORKLOAD]\nKEYS = 5\n[ci.WORKLOAD]\nKEYS = 6\n", path: "settings.toml",
			wantOut: "ok: settings.toml is valid (environments: default, ci)\n"},
		{name: "argument and valid", file: "", path: "empty.toml", arg: true,
			wantOut: "ok: empty.toml is valid (no environment tables, so the defaults apply)\n"},
		{name: "every problem", path: "bad.toml", arg: true,
			file: "[default.ASYNC_CACHE]\nNUM_SHARDS = 0\nTTL = 5\n[default.TARGETS]\nREDIS_URL = \"http://u:" + planted + "@x\"\n",
			wantErr: []string{"invalid configuration (3 problems)", "bad.toml:3: unknown key TTL", "did you mean TTL_SECONDS?",
				"bad.toml:2: ASYNC_CACHE.NUM_SHARDS = 0", `bad.toml:5: TARGETS.REDIS_URL = "http://u:***@x"`}},
		{name: "missing argument", path: "nope.toml", arg: true,
			wantErr: []string{"invalid configuration: settings file nope.toml does not exist"}},
		{name: "nothing to validate",
			wantErr: []string{"no settings file found", "resync config init"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.path != "" && !strings.HasPrefix(tt.name, "missing") {
				if err := os.WriteFile(filepath.Join(dir, tt.path), []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			io, _, out, _ := cmdutil.Test()
			o := &ValidateOptions{IO: io, Format: cmdutil.FormatTable, Load: config.LoadOptions{WorkDir: dir, LookupEnv: noEnv}}
			if tt.arg {
				o.Load.File, o.Load.FileIsArg = tt.path, true
			}
			err := runValidate(context.Background(), o)
			if tt.wantErr == nil {
				if err != nil || out.String() != tt.wantOut {
					t.Fatalf("= %v, stdout %q; want %q", err, out, tt.wantOut)
				}
				return
			}
			if cmdutil.ExitCode(err) != 2 {
				t.Fatalf("err = %v, want exit code 2", err)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), planted) {
				t.Errorf("error leaks the password")
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	bad := "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 300\n[default.TARGETS]\nDATABASE_URLS = [\"ftp://u:" + planted + "@h\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "settings.toml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	io, _, out, _ := cmdutil.Test()
	err := runValidate(context.Background(), &ValidateOptions{IO: io, Format: cmdutil.FormatJSON, Load: config.LoadOptions{WorkDir: dir, LookupEnv: noEnv}})
	if cmdutil.ExitCode(err) != 2 || !errors.Is(err, cmdutil.ErrSilent) {
		t.Fatalf("err = %v, want a silent exit 2", err)
	}
	var res validateResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("invalid JSON %q: %v", out, err)
	}
	if res.File != "settings.toml" || res.Valid || len(res.Problems) != 2 {
		t.Fatalf("result = %+v", res)
	}
	p := res.Problems[0]
	if p.Key != "TARGETS.DATABASE_URLS" || p.Value != `"ftp://u:***@h"` || p.Source == nil || p.Source.Detail != "settings.toml:4" {
		t.Errorf("problem = %+v", p)
	}
	if strings.Contains(out.String(), planted) {
		t.Errorf("JSON leaks the password")
	}

	if err := os.WriteFile(filepath.Join(dir, "settings.toml"), config.Sample(), 0o600); err != nil {
		t.Fatal(err)
	}
	io, _, out, _ = cmdutil.Test()
	if err := runValidate(context.Background(), &ValidateOptions{IO: io, Format: cmdutil.FormatJSON, Load: config.LoadOptions{WorkDir: dir, LookupEnv: noEnv}}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"file\": \"settings.toml\",\n  \"valid\": true,\n  \"environments\": [\n    \"default\"\n  ],\n  \"problems\": []\n}\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}
