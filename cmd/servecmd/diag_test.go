package servecmd

import (
	"context"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/report"
)

// The diag session through serve's adapter, against real targets: the embedded ones, and the real
// PostgreSQL and Redis when the test services are configured.
func TestPoolSession(t *testing.T) {
	embeddedCfg := config.Defaults()
	tests := []struct {
		name     string
		cfg      func(t *testing.T) config.Config
		embedded bool
		pools    []string
	}{
		{"embedded", func(*testing.T) config.Config { return embeddedCfg }, true, []string{"database", "http", "redis"}},
		{"services", func(t *testing.T) config.Config {
			c := config.Defaults()
			c.Targets.DatabaseURLs = []string{testenv.PostgresURL(t)}
			c.Targets.RedisURL = testenv.RedisURL(t)
			c.Pools.DB.MinSize, c.Pools.Redis.MinSize = 1, 1
			return c
		}, false, []string{"database", "redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg(t)
			ctx := context.Background()
			sess, err := openDiag(ctx, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := sess.Close(ctx); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			if sess.Embedded() != tt.embedded {
				t.Errorf("Embedded = %v", sess.Embedded())
			}
			var names []string
			for _, p := range sess.Probes() {
				if err := p.Do(ctx); err != nil {
					t.Errorf("probe %s: %v", p.Name, err)
				}
				names = append(names, p.Name)
			}
			if len(names) != len(tt.pools) {
				t.Fatalf("probes = %v, want %v", names, tt.pools)
			}
			c := sess.Cache()
			if c.Lookup(7) {
				t.Error("empty cache hit")
			}
			c.Fill(7)
			if !c.Lookup(7) {
				t.Error("filled key missed")
			}

			r := report.Build(sess.Input(ctx, time.Hour))
			if r.Embedded != tt.embedded || len(r.Pools) != len(tt.pools) || len(r.Caches) != 1 {
				t.Errorf("report: embedded %v, %d pools, %d caches", r.Embedded, len(r.Pools), len(r.Caches))
			}
			for _, tg := range r.Targets {
				if !tg.Reachable {
					t.Errorf("target %s unreachable: %s", tg.Name, tg.Error)
				}
			}
			if r.Resources.ByKind == nil || r.Caches["default"].Metrics.Hits != 1 {
				t.Errorf("resources %+v, cache %+v", r.Resources, r.Caches["default"].Metrics)
			}
			if _, err := sess.Leaks(ctx, time.Millisecond); err != nil {
				t.Errorf("Leaks: %v", err)
			}
		})
	}
}

func TestPoolSessionBadTarget(t *testing.T) {
	cfg := config.Defaults()
	cfg.Targets.RedisURL = "http://example.invalid/"
	_, err := openDiag(context.Background(), &cfg)
	if err == nil {
		t.Fatal("opened a Redis pool on an http URL")
	}
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
		t.Errorf("exit code %d for %v", code, err)
	}
}
