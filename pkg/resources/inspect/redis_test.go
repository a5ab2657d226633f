package inspect_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

func redisConn(t *testing.T, rawURL, name string) *redis.Conn {
	t.Helper()
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	c := client.Conn()
	t.Cleanup(func() { c.Close() })
	if err := c.ClientSetName(context.Background(), name).Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRedisLongLivedClient(t *testing.T) {
	rURL := testenv.RedisURL(t)
	name := uniqueName("session-cache-")
	redisConn(t, rURL, name)
	redisConn(t, rURL, "resync")

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Redis(ctx, rURL, inspect.Options{MaxLifetime: time.Second})
	}
	r := eventually(t, "named client older than 1s", run, func(r *inspect.Result) bool {
		g := findGroup(r.LongLived, name)
		return g != nil && g.OldestSeconds >= 2
	})
	g := findGroup(r.LongLived, name)
	if g.Count != 1 || g.Client != "127.0.0.1" || g.User != "default" || g.Severity != resources.SeverityInfo {
		t.Errorf("group = %+v, want one connection from 127.0.0.1, user default, severity info", g)
	}
	if findGroup(r.Clients, name) == nil {
		t.Errorf("clients = %+v, want %s", r.Clients, name)
	}
	for _, l := range r.Leaks {
		if l.Owner == name {
			t.Errorf("an idle named client is not a leak: %+v", l)
		}
	}
	if og := findGroup(r.Own, "resync"); og == nil || findGroup(r.LongLived, "resync") != nil {
		t.Errorf("resync's own connection should be apart: own %+v long-lived %+v", r.Own, r.LongLived)
	}
	if c := r.Capacity; c == nil || c.Max <= 0 || c.Used < 2 {
		t.Errorf("capacity = %+v", c)
	}
	if r.Server == "" {
		t.Error("no server version")
	}
}

func TestRedisOpenMulti(t *testing.T) {
	rURL := testenv.RedisURL(t)
	name := uniqueName("forgot-exec-")
	c := redisConn(t, rURL, name)
	ctx := context.Background()
	if err := c.Do(ctx, "MULTI").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "SET", "leak-probe", "1").Err(); err != nil {
		t.Fatal(err)
	}
	defer c.Do(ctx, "DISCARD") //nolint:errcheck

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Redis(ctx, rURL, inspect.Options{MaxLifetime: time.Second})
	}
	r := eventually(t, "client idle inside MULTI", run, func(r *inspect.Result) bool {
		return findLeak(r, "application", name) != nil
	})
	l := findLeak(r, "application", name)
	if l.Kind != inspect.LeakOpenMulti || l.Severity != resources.SeverityWarning || l.Evidence["queued_commands"] != "1" {
		t.Errorf("leak = %+v, want an open_multi warning with 1 queued command", l)
	}
}
