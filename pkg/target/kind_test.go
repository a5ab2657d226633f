package target_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/target"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		raw     string
		kind    target.Kind
		wantErr string // substring; "" = valid
	}{
		{"postgres://app:pw@db:5432/app?sslmode=disable", target.Postgres, ""},
		{"postgresql://db/app", target.Postgres, ""},
		{"POSTGRES://db/app", target.Postgres, ""},
		{"postgres://h1,h2:5433/app", target.Postgres, ""},
		{"postgres:///app?host=/var/run/postgresql", target.Postgres, ""},
		{"postgres:///app", "", "no host"},
		{"mysql://root@127.0.0.1:3306/test", target.MySQL, ""},
		{"mysql:///test", "", "no host"},
		{"mysql://app@/test?socket=/run/mysqld/mysqld.sock", target.MySQL, ""},
		{"sqlite://data/app.db", target.SQLite, ""},
		{"sqlite:///var/lib/app.db", target.SQLite, ""},
		{"sqlite::memory:", target.SQLite, ""},
		{"sqlite://", "", "SQLite URL without a path"},
		{"sqlite:app.db", "", `"sqlite:" must be followed by "//"`},
		{"redis://127.0.0.1:6379/0", target.Redis, ""},
		{"rediss://:pw@cache:6380", target.Redis, ""},
		{"redis://", "", "no host: add a host, e.g. redis:// or rediss://"},
		{"http://localhost:8080/health", target.HTTP, ""},
		{"https://api.example.com", target.HTTP, ""},
		{"https://", "", "no host"},
		{"", "", "empty URL"},
		{"  ", "", "empty URL"},
		{"db.example.com/app", "", "no scheme"},
		{"localhost:5432", "", "no scheme"},
		{"127.0.0.1:5432", "", "no scheme: add a scheme such as postgres://"},
		{"127.0.0.1:5432", "", "the schemes are postgres://, postgresql://, mysql://, sqlite://PATH"},
		{"app:secret@127.0.0.1:5432/app", "", "no scheme: add a scheme such as postgres://"},
		{"db.example.com:6379", "", "redis://, rediss://"},
		{"ftp://files.example.com", "", `unsupported scheme "ftp"`},
		{"mongodb://u:secret@db/app", "", `unsupported scheme "mongodb"`},
		{"postgres://u:se cret@db/app", "", "malformed URL"},
		{"postgres://u:secret@db:port/app", "", "invalid port"},
		{"postgres://u:p%zz@db/app", "", "malformed URL"},
		{"redis://127.0.0.1:65536", "", "invalid port 65536: use a port from 1 to 65535"},
		{"redis://127.0.0.1:0", "", "invalid port 0"},
		{"http://h:99999/x", "", "invalid port 99999"},
		{"postgres://u:secret@db:70000/app", "", "invalid port 70000"},
		{"redis://127.0.0.1:65535", target.Redis, ""},
		{"postgres://:5432/x", "", "no host: add a host"},
		{"postgres://u:secret@:5432/x", "", "no host: add a host"},
		{"mysql://:3306/x", "", "no host: add a host"},
		{"redis://:6379", "", "no host: add a host"},
		{"http://", "", "no host: add a host"},
		{"postgres://app:S3cr/et@h:5432/db", "", "must be percent-encoded: / as %2F"},
		{"mysql://u:p#w@h/db", "", "must be percent-encoded"},
		{"redis://:a?b@h:6379", "", "must be percent-encoded"},
		{"redis://TO/KEN@h:6379", "", "must be percent-encoded"},
		{"postgres://u:/secret@host/db", "", "must be percent-encoded"},
		{"postgres://u:1234?secret@host/db", "", "must be percent-encoded"},
		{"https://api.example.com/users/@me", target.HTTP, ""},
		{"postgres://app:p@secret@h/db", "", "must be percent-encoded"},
		{"postgres://app:p%40secret@h/db", target.Postgres, ""},
		{"postgres://app:S3cr%2Fet@h:5432/db", target.Postgres, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			kind, err := target.KindOf(tt.raw)
			if tt.wantErr == "" {
				if err != nil || kind != tt.kind {
					t.Fatalf("= %q, %v; want %q", kind, err, tt.kind)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("= %q, %v; want an error containing %q", kind, err, tt.wantErr)
			}
			for _, secret := range []string{"secret", "se cret", "p%zz", "S3cr", "p#w", "a?b", "TO/KEN"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
}
