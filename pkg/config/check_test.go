package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
)

func TestCheckFile(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		vars     map[string]string
		wantEnvs []string
		want     []string // substrings of the error; nil = valid
	}{
		{name: "valid with environments", file: envSettings, wantEnvs: []string{"default", "production", "staging"}},
		{name: "sample", file: string(config.Sample()), wantEnvs: []string{"default"}},
		{name: "variables play no part", file: envSettings, vars: map[string]string{"DB_POOL_MAX_SIZE": "-1"},
			wantEnvs: []string{"default", "production", "staging"}},
		{name: "bad value only in one environment",
			file: "[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = 50\n[production.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 80\n",
			want: []string{"settings.toml:4: CONNECTION_POOL.DB_POOL_MIN_SIZE = 80: is greater than DB_POOL_MAX_SIZE = 50 (file settings.toml:2)"}},
		{name: "problem in default reported once",
			file: "[default.ASYNC_CACHE]\nNUM_SHARDS = 0\n[a.WORKLOAD]\nKEYS = 1\n[b.WORKLOAD]\nKEYS = 2\n",
			want: []string{"invalid configuration: settings.toml:2: ASYNC_CACHE.NUM_SHARDS = 0"}},
		{name: "no file", want: []string{"no settings file found (looked for ./settings.toml", "resync config init"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				writeFile(t, dir, "settings.toml", tt.file)
			}
			rep, err := config.CheckFile(config.LoadOptions{WorkDir: dir, LookupEnv: env(tt.vars)})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("CheckFile: %v", err)
				}
				if rep.Name != "settings.toml" || !reflect.DeepEqual(rep.Envs, tt.wantEnvs) {
					t.Errorf("report = %+v, want envs %v", rep, tt.wantEnvs)
				}
				return
			}
			var cerr *config.Error
			if !errors.As(err, &cerr) || cmdutil.ExitCode(err) != 2 {
				t.Fatalf("err = %v, want a *config.Error with exit code 2", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
