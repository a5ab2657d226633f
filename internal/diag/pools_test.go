package diag_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/target"
)

func TestOpenPools(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ts, err := target.FromURLs([]string{"sqlite::memory:", "postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable"},
		"", []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	p, err := diag.OpenPools(ts, func(t target.Target) pools.Options {
		o := pools.Options{MaxSize: 2, ConnectTimeout: time.Second, IdleTimeout: time.Minute,
			MaxLifetime: time.Hour, HealthCheckInterval: time.Minute}
		if t.Kind == target.HTTP {
			o.MaxSize = 3
		}
		return o
	}, func(t target.Target) pools.Operation {
		ops = append(ops, t.Name)
		return pools.Operation{}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Close(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	var got []string
	for _, r := range p.Runners() {
		s := r.Snapshot()
		got = append(got, r.Name()+"="+r.Kind()+"/"+strconv.Itoa(s.MaxSize))
		if strings.Contains(r.Target(), "hunter2") {
			t.Errorf("%s: target not redacted: %q", r.Name(), r.Target())
		}
	}
	if want := "database=sqlite/2 database2=postgres/2 http=http/3"; strings.Join(got, " ") != want {
		t.Errorf("runners %v, want %s (target order, each with its options)", got, want)
	}
	if strings.Join(ops, " ") != "database database2 http" {
		t.Errorf("operation asked for %v", ops)
	}

	// The unreachable PostgreSQL fails within its timeout, redacted; the
	// others answer.
	errs := p.Ping(context.Background(), func(target.Target) time.Duration { return 2 * time.Second })
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("ping errors %v: want only database2's", errs)
	}
	if strings.Contains(errs[1].Error(), "hunter2") {
		t.Errorf("ping error not redacted: %v", errs[1])
	}
}

func TestOpenPoolsClosesWhatItOpenedOnError(t *testing.T) {
	ts, err := target.FromURLs([]string{"sqlite::memory:", "sqlite::memory:"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = diag.OpenPools(ts, func(t target.Target) pools.Options {
		o := pools.Options{MaxSize: 2, ConnectTimeout: time.Second, IdleTimeout: time.Minute,
			MaxLifetime: time.Hour, HealthCheckInterval: time.Minute}
		if t.Name == "database2" {
			o.MinSize = 5
		}
		return o
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "min size 5 is larger than max size 2") {
		t.Errorf("OpenPools with a min > max: %v", err)
	}
	// goleak (TestMain) checks the first pool's goroutines are gone.
}

func TestClosingNilPools(t *testing.T) {
	var p *diag.Pools
	if err := p.Close(context.Background()); err != nil {
		t.Error(err)
	}
}

// The reachability check after a run must not call a healthy server
// unreachable because the pool's idle connections died (a reset by a
// middlebox, a server-side timeout): it checks on a fresh connection. A
// server that is really down is still unreachable.
func TestPingUsesAFreshConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{
		{"postgres", testenv.PostgresURL},
		{"mysql", testenv.MySQLURL},
		{"redis", testenv.RedisURL},
		{"http", func(testing.TB) string { return srv.URL }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy, raw := faultproxy.Behind(t, tc.url(t))
			ts, err := target.FromURLs(nil, "", []string{raw})
			if tc.name == "redis" {
				ts, err = target.FromURLs(nil, raw, nil)
			} else if tc.name != "http" {
				ts, err = target.FromURLs([]string{raw}, "", nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := diag.OpenPools(ts, func(target.Target) pools.Options {
				return pools.Options{MaxSize: 2, ConnectTimeout: 2 * time.Second, IdleTimeout: time.Minute,
					MaxLifetime: time.Hour, HealthCheckInterval: time.Hour}
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = p.Close(context.Background()) }()
			ctx := context.Background()
			r := p.Runners()[0]
			for range 5 {
				if err := r.Do(ctx); err != nil {
					t.Fatalf("operation before the cut: %v", err)
				}
			}
			timeout := func(target.Target) time.Duration { return 5 * time.Second }

			proxy.CutAll() // the idle connection is dead; the server is fine
			if errs := p.Ping(ctx, timeout); errs[0] != nil {
				t.Errorf("healthy server behind cut connections: ping says %v", errs[0])
			}
			if s := r.Snapshot(); !s.Reachable {
				t.Errorf("snapshot after a good ping: Reachable = false")
			}

			if err := proxy.RefuseNew(true); err != nil {
				t.Fatal(err)
			}
			proxy.CutAll()
			if errs := p.Ping(ctx, timeout); errs[0] == nil {
				t.Error("server down: ping says reachable")
			}
			if s := r.Snapshot(); s.Reachable {
				t.Errorf("snapshot after a failed ping: Reachable = true")
			}
		})
	}
}
