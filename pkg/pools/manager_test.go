package pools

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/target"
)

// smallOptions are every pool's options in these tests: at most 2
// connections (3 for HTTP), none kept open, with tracker.
func smallOptions(tracker Tracker) func(target.Target) Options {
	return func(t target.Target) Options {
		o := Options{MinSize: 0, MaxSize: 2, ConnectTimeout: 5 * time.Second,
			IdleTimeout: time.Minute, MaxLifetime: time.Hour, HealthCheckInterval: time.Minute, Tracker: tracker}
		if t.Kind == target.HTTP {
			o.MaxSize = 3
		}
		return o
	}
}

func openAll(t *testing.T, dbURLs []string, redisURL string, httpURLs []string, optsFor func(target.Target) Options) (*Manager, error) {
	t.Helper()
	ts, err := target.FromURLs(dbURLs, redisURL, httpURLs)
	if err != nil {
		t.Fatal(err)
	}
	return OpenAll(ts, optsFor)
}

func TestOpenAllNamesAndSettings(t *testing.T) {
	srv, _ := newHTTPServer(t, false)
	tr := &recTracker{live: map[uint64]string{}}
	m, err := openAll(t, []string{"sqlite::memory:", "postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable"},
		"redis://127.0.0.1:1/0", []string{srv.URL, srv.URL + "/other"}, smallOptions(tr))
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

// OpenAll refuses options a pool refuses, and closes what it opened.
func TestOpenAllRejectsBadOptions(t *testing.T) {
	bad := func(tg target.Target) Options {
		o := smallOptions(nil)(tg)
		if tg.Name == "database2" {
			o.MinSize = 5
		}
		return o
	}
	m, err := openAll(t, []string{"sqlite::memory:", "sqlite::memory:"}, "", nil, bad)
	if err == nil || !strings.Contains(err.Error(), "min size 5 is larger than max size 2") {
		if m != nil {
			_ = m.Close(context.Background())
		}
		t.Errorf("OpenAll with a min > max: %v", err)
	}
}

func TestEmptyManager(t *testing.T) {
	m, err := OpenAll(nil, smallOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runners()) != 0 || len(m.Snapshots()) != 0 {
		t.Error("no targets made pools")
	}
	if err := m.Close(context.Background()); err != nil {
		t.Error(err)
	}
	if err := NewManager().Close(context.Background()); err != nil {
		t.Error(err)
	}
}
