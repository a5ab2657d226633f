package config_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/config"
)

func TestParseTargetURL(t *testing.T) {
	tests := []struct {
		raw     string
		kind    string
		wantErr string // substring; "" = valid
	}{
		{"postgres://app:pw@db:5432/app?sslmode=disable", config.TargetPostgres, ""},
		{"postgresql://db/app", config.TargetPostgres, ""},
		{"POSTGRES://db/app", config.TargetPostgres, ""},
		{"postgres://h1,h2:5433/app", config.TargetPostgres, ""},
		{"postgres:///app?host=/var/run/postgresql", config.TargetPostgres, ""},
		{"postgres:///app", "", "no host"},
		{"mysql://root@127.0.0.1:3306/test", config.TargetMySQL, ""},
		{"mysql:///test", "", "no host"},
		{"sqlite://data/app.db", config.TargetSQLite, ""},
		{"sqlite:///var/lib/app.db", config.TargetSQLite, ""},
		{"sqlite::memory:", config.TargetSQLite, ""},
		{"sqlite://", "", "SQLite URL without a path"},
		{"sqlite:app.db", "", `"sqlite:" must be followed by "//"`},
		{"redis://127.0.0.1:6379/0", config.TargetRedis, ""},
		{"rediss://:pw@cache:6380", config.TargetRedis, ""},
		{"redis://", "", "no host: use redis:// or rediss://"},
		{"http://localhost:8080/health", config.TargetHTTP, ""},
		{"https://api.example.com", config.TargetHTTP, ""},
		{"https://", "", "no host"},
		{"", "", "empty URL"},
		{"  ", "", "empty URL"},
		{"db.example.com/app", "", "no scheme"},
		{"localhost:5432", "", "no scheme"},
		{"ftp://files.example.com", "", `unsupported scheme "ftp"`},
		{"mongodb://u:secret@db/app", "", `unsupported scheme "mongodb"`},
		{"postgres://u:se cret@db/app", "", "malformed URL"},
		{"postgres://u:secret@db:port/app", "", "invalid port"},
		{"postgres://u:p%zz@db/app", "", "malformed URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			kind, err := config.ParseTargetURL(tt.raw)
			if tt.wantErr == "" {
				if err != nil || kind != tt.kind {
					t.Fatalf("= %q, %v; want %q", kind, err, tt.kind)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("= %q, %v; want an error containing %q", kind, err, tt.wantErr)
			}
			for _, secret := range []string{"secret", "se cret", "p%zz"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
}
