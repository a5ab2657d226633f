package target_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/target"
)

func TestPgbouncers(t *testing.T) {
	const secret = "s3cretPW"
	tests := []struct {
		name      string
		urls      []string
		want      []target.Target
		wantErr   []string // substrings
		wantIndex int
	}{
		{name: "none"},
		{
			name: "named in order, kind pgbouncer",
			urls: []string{"postgres://admin:" + secret + "@pgb:6432/pgbouncer", "postgresql://stats@pgb2:6432/pgbouncer?sslmode=disable"},
			want: []target.Target{
				{Name: "pgbouncer", Kind: target.Pgbouncer, URL: "postgres://admin:" + secret + "@pgb:6432/pgbouncer"},
				{Name: "pgbouncer2", Kind: target.Pgbouncer, URL: "postgresql://stats@pgb2:6432/pgbouncer?sslmode=disable"},
			},
		},
		{name: "an application database, not the console", urls: []string{"postgres://pgb:6432/pgbouncer", "postgres://app:" + secret + "@pgb:6432/app"},
			wantErr: []string{"TARGETS.PGBOUNCER_URLS[1]", `database "app"`, "/pgbouncer"}, wantIndex: 1},
		{name: "no database", urls: []string{"postgres://pgb:6432"},
			wantErr: []string{`database ""`, "admin console"}},
		{name: "a redis URL", urls: []string{"redis://:" + secret + "@cache"},
			wantErr: []string{"redis URL", "postgres://USER@HOST:6432/pgbouncer"}},
		{name: "malformed", urls: []string{"postgres://u:" + secret + "@pgb:99999/pgbouncer"},
			wantErr: []string{"invalid port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.Pgbouncers(tt.urls)
			if tt.wantErr == nil {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("Pgbouncers = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			var terr *target.Error
			if !errors.As(err, &terr) || terr.Key != target.KeyPgbouncerURLs || terr.Index != tt.wantIndex {
				t.Fatalf("err = %v, want a *target.Error for %s[%d]", err, target.KeyPgbouncerURLs, tt.wantIndex)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("err %q shows the password", err)
			}
		})
	}
}
