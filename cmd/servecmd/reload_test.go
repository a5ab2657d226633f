package servecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/server"
)

// syncBuffer is a stderr the test may read while serve's logger writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// reloadRig serves against a real settings file: every Open makes a fake
// session whose database pool has the configured DB_POOL_MAX_SIZE.
type reloadRig struct {
	*harness
	path   string
	stderr *syncBuffer

	mu       sync.Mutex
	opened   []*config.Config
	sessions []*fakeSession
}

func startReload(t *testing.T, settings string) *reloadRig {
	t.Helper()
	r := &reloadRig{path: filepath.Join(t.TempDir(), "settings.toml"), stderr: &syncBuffer{}}
	r.write(t, settings)
	noEnv := func(string) (string, bool) { return "", false }
	r.harness = startServe(t, "", nil, func(o *ServeOptions) {
		o.IO.ErrOut = r.stderr
		o.SettingsFile = r.path
		o.Load = func() (*config.Config, error) {
			return config.Load(config.LoadOptions{File: r.path, LookupEnv: noEnv, WorkDir: filepath.Dir(r.path)})
		}
		o.Open = func(_ context.Context, cfg *config.Config) (Session, error) {
			s := newFakeSession()
			s.maxSize = cfg.Pools.DB.MaxSize
			r.mu.Lock()
			defer r.mu.Unlock()
			r.opened = append(r.opened, cfg)
			r.sessions = append(r.sessions, s)
			return s, nil
		}
	})
	return r
}

// write replaces the settings file the way an editor's atomic save does.
func (r *reloadRig) write(t *testing.T, content string) {
	t.Helper()
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, r.path); err != nil {
		t.Fatal(err)
	}
}

func (r *reloadRig) opens() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.opened)
}

// dbMaxSize is the database pool's max_size the API serves now.
func (r *reloadRig) dbMaxSize(t *testing.T) int {
	t.Helper()
	_, body := r.get(server.PathPoolsMetrics, "")
	var m map[string]struct {
		MaxSize int `json:"max_size"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("pools metrics: %v: %s", err, body)
	}
	return m["database"].MaxSize
}

// waitFor polls until ok holds. The bound is generous (a loaded machine
// is slow); it only turns a hang into a failure.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeReloadsSettings(t *testing.T) {
	r := startReload(t, "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 2\nDB_POOL_MAX_SIZE = 10\n")
	if got := r.dbMaxSize(t); got != 10 {
		t.Fatalf("max_size before the edit = %d, want 10", got)
	}
	r.write(t, "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 2\nDB_POOL_MAX_SIZE = 42\n[default.ASYNC_CACHE]\nTTL_SECONDS = 5\n")
	waitFor(t, "the new pool size", func() bool { return r.dbMaxSize(t) == 42 })

	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.opened) != 2 {
		t.Fatalf("sessions opened = %d, want 2 (start, reload)", len(r.opened))
	}
	if ttl := r.opened[1].Cache.TTL; ttl != 5*time.Second {
		t.Errorf("reloaded cache TTL = %v, want 5s", ttl)
	}
	for i, s := range r.sessions {
		if !s.closed.Load() {
			t.Errorf("session %d was not closed", i)
		}
	}
}

func TestServeIgnoresBadEdit(t *testing.T) {
	r := startReload(t, "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 2\nDB_POOL_MAX_SIZE = 10\n")
	const planted = "hunter2"
	r.write(t, "[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = -5\n[default.TARGETS]\nREDIS_URL = \"ftp://u:"+planted+"@cache\"\n")
	waitFor(t, "the bad edit to be logged", func() bool { return strings.Contains(r.stderr.String(), "settings file change ignored") })
	log := r.stderr.String()
	for _, want := range []string{"previous settings stay in effect", "settings.toml:2", "DB_POOL_MAX_SIZE = -5", "settings.toml:4", "u:***@cache"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, planted) {
		t.Errorf("the password was logged:\n%s", log)
	}
	if n := r.opens(); n != 1 {
		t.Errorf("sessions opened = %d after a bad edit, want 1", n)
	}
	if got := r.dbMaxSize(t); got != 10 {
		t.Errorf("max_size after the bad edit = %d, want the previous 10", got)
	}

	// The watcher goes on: fixing the file applies it.
	r.write(t, "[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 2\nDB_POOL_MAX_SIZE = 30\n")
	waitFor(t, "the fixed pool size", func() bool { return r.dbMaxSize(t) == 30 })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
}
