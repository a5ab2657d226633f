package target_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/target"
)

func TestName(t *testing.T) {
	tests := []struct {
		base string
		i    int
		want string
	}{
		{"database", 0, "database"},
		{"database", 1, "database2"},
		{"database", 9, "database10"},
		{"http", 0, "http"},
		{"http", 2, "http3"},
	}
	for _, tt := range tests {
		if got := target.Name(tt.base, tt.i); got != tt.want {
			t.Errorf("Name(%q, %d) = %q, want %q", tt.base, tt.i, got, tt.want)
		}
	}
}

func TestFromURLs(t *testing.T) {
	tests := []struct {
		name      string
		db        []string
		redis     string
		http      []string
		want      []target.Target
		wantErr   string // substring
		wantKey   string
		wantIndex int
	}{
		{name: "none"},
		{
			name:  "all kinds, named in order",
			db:    []string{"postgres://app:s3cret@db/app", "mysql://root@db2:3306/shop", "sqlite::memory:"},
			redis: "redis://:s3cret@cache:6379/0",
			http:  []string{"http://127.0.0.1:8080/", "https://api.example.com/health"},
			want: []target.Target{
				{Name: "database", Kind: target.Postgres, URL: "postgres://app:s3cret@db/app"},
				{Name: "database2", Kind: target.MySQL, URL: "mysql://root@db2:3306/shop"},
				{Name: "database3", Kind: target.SQLite, URL: "sqlite::memory:"},
				{Name: "redis", Kind: target.Redis, URL: "redis://:s3cret@cache:6379/0"},
				{Name: "http", Kind: target.HTTP, URL: "http://127.0.0.1:8080/"},
				{Name: "http2", Kind: target.HTTP, URL: "https://api.example.com/health"},
			},
		},
		{name: "redis URL among the databases", db: []string{"postgres://db/app", "redis://:s3cret@cache"},
			wantErr: "TARGETS.DATABASE_URLS[1]: redis://:***@cache is a redis URL: it belongs in TARGETS.REDIS_URL", wantKey: target.KeyDatabaseURLs, wantIndex: 1},
		{name: "database URL as Redis", redis: "postgres://u:s3cret@db/app",
			wantErr: "TARGETS.REDIS_URL: postgres://u:***@db/app is a postgres URL: it belongs in TARGETS.DATABASE_URLS", wantKey: target.KeyRedisURL},
		{name: "database URL as HTTP", http: []string{"mysql://root@db/x"},
			wantErr: "TARGETS.HTTP_URLS[0]: mysql://root@db/x is a mysql URL", wantKey: target.KeyHTTPURLs},
		{name: "unknown scheme", db: []string{"mongodb://u:s3cret@db/app"},
			wantErr: `TARGETS.DATABASE_URLS[0]: unsupported scheme "mongodb"`, wantKey: target.KeyDatabaseURLs},
		{name: "malformed", db: []string{"postgres://u:s3cret@db:port/app"},
			wantErr: "TARGETS.DATABASE_URLS[0]: malformed URL", wantKey: target.KeyDatabaseURLs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.FromURLs(tt.db, tt.redis, tt.http)
			if tt.wantErr != "" {
				var terr *target.Error
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &terr) {
					t.Fatalf("err = %v, want a *target.Error containing %q", err, tt.wantErr)
				}
				if terr.Key != tt.wantKey || terr.Index != tt.wantIndex {
					t.Errorf("key, index = %s, %d; want %s, %d", terr.Key, terr.Index, tt.wantKey, tt.wantIndex)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d targets, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("target %d = %#v, want %#v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestPrintingNeverLeaks: every way a Target can be printed hides the
// password, also when it sits inside another value.
func TestPrintingNeverLeaks(t *testing.T) {
	const secret = "hunter2PLANTED"
	tg := target.Target{Name: "database", Kind: target.Postgres, URL: "postgres://app:" + secret + "@db:5432/app?sslmode=disable"}
	const redacted = "postgres://app:***@db:5432/app?sslmode=disable"
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("open", "target", tg)
	var jlogs bytes.Buffer
	slog.New(slog.NewJSONHandler(&jlogs, nil)).Info("open", "target", tg, "targets", []target.Target{tg})
	js, err := json.Marshal(map[string]any{"one": tg, "list": []target.Target{tg}, "ptr": &tg})
	if err != nil {
		t.Fatal(err)
	}
	wrapped := struct {
		T  target.Target
		TS []target.Target
	}{tg, []target.Target{tg}}
	outputs := map[string]string{
		"String":    tg.String(),
		"Redacted":  tg.Redacted(),
		"%v":        fmt.Sprintf("%v", tg),
		"%s":        fmt.Sprintf("%s", tg),
		"%q":        fmt.Sprintf("%q", tg),
		"%+v":       fmt.Sprintf("%+v", tg),
		"%#v":       fmt.Sprintf("%#v", tg),
		"%v ptr":    fmt.Sprintf("%v", &tg),
		"%+v wrap":  fmt.Sprintf("%+v", wrapped),
		"%#v wrap":  fmt.Sprintf("%#v", wrapped),
		"%v list":   fmt.Sprint([]target.Target{tg}),
		"error":     fmt.Errorf("open %v: refused", tg).Error(),
		"json":      string(js),
		"slog text": logs.String(),
		"slog json": jlogs.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("%s leaks the password: %s", name, out)
		}
		if !strings.Contains(out, "app:***@db:5432") {
			t.Errorf("%s does not show the redacted URL: %s", name, out)
		}
	}
	if got, want := tg.String(), "database ("+redacted+")"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := fmt.Sprintf("%+v", tg), "{Name:database Kind:postgres URL:"+redacted+"}"; got != want {
		t.Errorf("%%+v = %q, want %q", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(mustJSON(t, tg), &back); err != nil || back["name"] != "database" || back["kind"] != "postgres" || back["url"] != redacted {
		t.Errorf("JSON = %v, %v", back, err)
	}
	if tg.URL != "postgres://app:"+secret+"@db:5432/app?sslmode=disable" {
		t.Error("the raw URL must stay available to drivers")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
