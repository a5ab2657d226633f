package pools

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/config"
)

func smallConfig() *config.Config {
	cfg := config.Defaults()
	small := config.PoolConfig{MinSize: 0, MaxSize: 2, ConnectTimeout: 5 * time.Second,
		IdleTimeout: time.Minute, MaxLifetime: time.Hour, HealthCheckInterval: time.Minute}
	cfg.Pools.DB, cfg.Pools.Redis, cfg.Pools.HTTP = small, small, small
	cfg.Pools.HTTP.MaxSize = 3
	return &cfg
}

func TestFromConfigNamesAndSettings(t *testing.T) {
	srv, _ := newHTTPServer(t, false)
	cfg := smallConfig()
	cfg.Targets = config.TargetsConfig{
		DatabaseURLs: []string{"sqlite::memory:", "postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable"},
		RedisURL:     "redis://127.0.0.1:1/0",
		HTTPURLs:     []string{srv.URL, srv.URL + "/other"},
	}
	tr := &recTracker{live: map[uint64]string{}}
	m, err := FromConfig(cfg, tr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := m.Close(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	var got []string
	for _, r := range m.Runners() {
		got = append(got, r.Name()+"="+r.Kind())
	}
	want := "database=sqlite database2=postgres http=http http2=http redis=redis"
	if strings.Join(got, " ") != want {
		t.Errorf("runners %v, want %s", got, want)
	}
	snaps := m.Snapshots()
	if len(snaps) != 5 || snaps[0].Name != "database" || snaps[2].MaxSize != 3 || snaps[0].MaxSize != 2 {
		t.Errorf("snapshots: %+v", snaps)
	}
	if strings.Contains(snaps[1].Target, "hunter2") || !strings.Contains(snaps[1].Target, "***") {
		t.Errorf("target not redacted: %q", snaps[1].Target)
	}
	db, ok := m.Get("database")
	if !ok {
		t.Fatal("no database pool")
	}
	c := db.(*runner[sqlConn]).pool
	conn, err := c.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	if tr.live[1] != "sqlite/database" {
		t.Errorf("tracker saw %v, want sqlite/database", tr.live)
	}
	tr.mu.Unlock()
	conn.Release()
	if _, ok := m.Get("nope"); ok {
		t.Error("Get of an unknown name succeeded")
	}
	if err := m.Add(db); err == nil || !strings.Contains(err.Error(), `"database" already exists`) {
		t.Errorf("Add of a duplicate name: %v", err)
	}
}

func TestFromConfigRejectsWrongKinds(t *testing.T) {
	tests := []struct {
		name    string
		targets config.TargetsConfig
		want    string
	}{
		{"redis as database", config.TargetsConfig{DatabaseURLs: []string{"sqlite::memory:", "redis://:hunter2@h:6379"}},
			"TARGETS.DATABASE_URLS[1]: redis://:***@h:6379 is a redis URL"},
		{"http as redis", config.TargetsConfig{RedisURL: "http://h"}, "TARGETS.REDIS_URL"},
		{"unsupported", config.TargetsConfig{HTTPURLs: []string{"gopher://h"}}, `TARGETS.HTTP_URLS[0]: unsupported scheme "gopher"`},
		{"bad database URL", config.TargetsConfig{DatabaseURLs: []string{"mysql://u:hunter2@/x"}}, "TARGETS.DATABASE_URLS[0]: no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Targets = tt.targets
			m, err := FromConfig(cfg, nil)
			if err == nil {
				_ = m.Close(context.Background())
				t.Fatal("FromConfig accepted it")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q, want %q and no password", err, tt.want)
			}
		})
	}
	cfg := smallConfig()
	cfg.Pools.DB.MinSize = 5
	cfg.Targets.DatabaseURLs = []string{"sqlite::memory:"}
	if _, err := FromConfig(cfg, nil); err == nil || !strings.Contains(err.Error(), "min size 5 is larger than max size 2") {
		t.Errorf("FromConfig with DB min > max: %v", err)
	}
}

func TestEmptyManager(t *testing.T) {
	cfg := smallConfig()
	m, err := FromConfig(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runners()) != 0 || len(m.Snapshots()) != 0 {
		t.Error("a config without targets made pools")
	}
	if err := m.Close(context.Background()); err != nil {
		t.Error(err)
	}
	if err := NewManager().Close(context.Background()); err != nil {
		t.Error(err)
	}
}
