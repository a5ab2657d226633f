package diag_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// quickConfig is the defaults with small pools and short timeouts.
func quickConfig(tc config.TargetsConfig) *config.Config {
	cfg := config.Defaults()
	for _, pc := range []*config.PoolConfig{&cfg.Pools.DB, &cfg.Pools.Redis, &cfg.Pools.HTTP} {
		pc.MinSize, pc.MaxSize, pc.ConnectTimeout = 0, 2, 2*time.Second
	}
	cfg.Targets = tc
	return &cfg
}

func open(t *testing.T, cfg *config.Config) *diag.Session {
	t.Helper()
	s, err := diag.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// With no target configured the session starts the embedded ones, names
// them like configured targets, reaches all three and closes them again
// (goleak checks nothing is left running). Closing twice is harmless.
func TestEmbeddedOpenPingClose(t *testing.T) {
	s, err := diag.Open(context.Background(), quickConfig(config.TargetsConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Embedded() {
		t.Error("Embedded() = false with no target configured")
	}
	want := []struct {
		name string
		kind target.Kind
	}{{"database", target.SQLite}, {"redis", target.Redis}, {"http", target.HTTP}}
	ts := s.Targets()
	if len(ts) != len(want) {
		t.Fatalf("targets %v, want %d", ts, len(want))
	}
	for i, w := range want {
		if ts[i].Name != w.name || ts[i].Kind != w.kind {
			t.Errorf("target %d = %v (%s), want %s (%s)", i, ts[i], ts[i].Kind, w.name, w.kind)
		}
	}
	if n := len(s.Runners()); n != 3 {
		t.Errorf("%d pools, want 3", n)
	}
	for _, pt := range s.Ping(context.Background()) {
		if !pt.Reachable {
			t.Errorf("embedded %s unreachable: %s", pt.Name, pt.Error)
		}
	}
	in := s.Input(context.Background(), time.Hour)
	if len(in.Targets) != 3 || len(in.Pools) != 3 || len(in.Caches) != 1 || !in.Embedded {
		t.Errorf("input: %d targets, %d pools, %d caches, embedded %v", len(in.Targets), len(in.Pools), len(in.Caches), in.Embedded)
	}
	if scan, err := s.Leaks(context.Background(), time.Hour); err != nil || len(scan.Leaks) != 0 || len(scan.NotInspected) != 0 {
		t.Errorf("leaks of a fresh embedded session: %+v, %v", scan, err)
	}
	first := s.Close(context.Background())
	if first != nil {
		t.Errorf("Close: %v", first)
	}
	if again := s.Close(context.Background()); again != first {
		t.Errorf("second Close = %v, want the first one's result %v", again, first)
	}
}

// An unreachable target is a finding, not an error: Ping marks it and its
// error never shows the password.
func TestPingUnreachableIsRedacted(t *testing.T) {
	const secret = "s3cretPLANTED"
	tests := []struct {
		name string
		tc   config.TargetsConfig
	}{
		{"postgres", config.TargetsConfig{DatabaseURLs: []string{"postgres://app:" + secret + "@127.0.0.1:1/db?sslmode=disable"}}},
		{"mysql", config.TargetsConfig{DatabaseURLs: []string{"mysql://app:" + secret + "@127.0.0.1:1/db"}}},
		{"redis", config.TargetsConfig{RedisURL: "redis://:" + secret + "@127.0.0.1:1/0"}},
		{"http", config.TargetsConfig{HTTPURLs: []string{"http://tok:" + secret + "@127.0.0.1:1/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, quickConfig(tt.tc))
			if s.Embedded() {
				t.Fatal("configured targets made an embedded session")
			}
			got := s.Ping(context.Background())
			if len(got) != 1 {
				t.Fatalf("%d targets, want 1", len(got))
			}
			pt := got[0]
			if pt.Reachable || pt.Error == "" {
				t.Errorf("target %+v, want unreachable with an error", pt)
			}
			if strings.Contains(pt.Error+pt.URL, secret) {
				t.Errorf("password leaked: url %q error %q", pt.URL, pt.Error)
			}
			if !strings.Contains(pt.URL, "***") {
				t.Errorf("url %q is not redacted", pt.URL)
			}
		})
	}
}

// A target the pools refuse is a *ConfigError (a usage error at the command boundary), redacted.
func TestOpenRejectsBadTargets(t *testing.T) {
	_, err := diag.Open(context.Background(), quickConfig(config.TargetsConfig{
		DatabaseURLs: []string{"redis://:s3cret@127.0.0.1:6379"},
	}))
	var ce *diag.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *diag.ConfigError", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "TARGETS.DATABASE_URLS[0]") {
		t.Errorf("error %q: want the key and no password", msg)
	}
}

// Leaks inspects the servers with the targets' own URLs (credentials
// included): a session idle in a transaction on PostgreSQL is found and
// attributed to the target's name.
func TestLeaksInspectsTheServers(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	ctx := context.Background()
	pcfg, err := pgx.ParseConfig(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	app := "diag-leak-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	pcfg.RuntimeParams["application_name"] = app
	holder, err := pgx.ConnectConfig(ctx, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	defer holder.Exec(ctx, "ROLLBACK") //nolint:errcheck

	// A second, unreachable database must not keep the first from being
	// inspected, and is named as not inspected, redacted.
	s := open(t, quickConfig(config.TargetsConfig{DatabaseURLs: []string{pgURL, "postgres://x:planted-pw@127.0.0.1:1/db?sslmode=disable"}}))
	if ts := s.Targets(); len(ts) != 2 || ts[1].Name != "database2" {
		t.Fatalf("targets %v", ts)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		time.Sleep(50 * time.Millisecond)
		scan, err := s.Leaks(ctx, 20*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(scan.Inspected, ",") != "database" {
			t.Errorf("inspected %v, want [database]", scan.Inspected)
		}
		if n := scan.NotInspected; len(n) != 1 || n[0].Name != "database2" || n[0].Kind != "postgres" || n[0].Reason == "" ||
			strings.Contains(n[0].URL+n[0].Reason, "planted-pw") || !strings.Contains(n[0].URL, "***") {
			t.Errorf("not inspected %+v, want database2 with a reason, redacted", n)
		}
		leaks := scan.Leaks
		for _, l := range leaks {
			if l.Owner == app {
				if l.Source != "database" || l.Kind != inspect.LeakIdleInTransaction {
					t.Errorf("leak %+v, want an idle_in_transaction leak of database", l)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no leak of %s among %+v", app, leaks)
		}
	}
}
