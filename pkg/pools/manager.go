package pools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
)

// Manager holds named Runners ("database", "redis", "http", …). Its methods
// are safe for concurrent use.
type Manager struct {
	mu      sync.Mutex
	runners map[string]Runner
}

// NewManager returns an empty Manager.
func NewManager() *Manager { return &Manager{runners: map[string]Runner{}} }

// FromConfig opens one pool per configured target: "database" for the first
// TARGETS.DATABASE_URLS entry ("database2", … for further ones), "redis"
// for TARGETS.REDIS_URL and "http" ("http2", …) for TARGETS.HTTP_URLS, with
// the DB_POOL_*, REDIS_POOL_* and HTTP_POOL_* settings respectively. tracker
// may be nil. No server is contacted (see Open).
func FromConfig(cfg *config.Config, tracker Tracker) (*Manager, error) {
	return FromConfigWith(cfg, Options{Tracker: tracker})
}

// FromConfigWith is FromConfig with the optional fields of base (Tracker,
// Logger, TLSConfig, UserAgent, OperationTimeout) applied to every pool.
func FromConfigWith(cfg *config.Config, base Options) (*Manager, error) {
	m := NewManager()
	open := func(name, key, rawURL string, pc config.PoolConfig, kinds ...string) error {
		kind, err := KindOf(rawURL)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if !slices.Contains(kinds, kind) {
			return fmt.Errorf("%s: %s is a %s URL, not one of %v", key, redact.URL(rawURL), kind, kinds)
		}
		o := OptionsFrom(pc)
		o.OperationTimeout, o.Tracker, o.Logger, o.TLSConfig, o.UserAgent =
			base.OperationTimeout, base.Tracker, base.Logger, base.TLSConfig, base.UserAgent
		r, err := Open(name, rawURL, o, Operation{})
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return m.Add(r)
	}
	var err error
	for i, u := range cfg.Targets.DatabaseURLs {
		key := "TARGETS.DATABASE_URLS[" + strconv.Itoa(i) + "]"
		if err = open(numbered("database", i), key, u, cfg.Pools.DB, KindPostgres, KindMySQL, KindSQLite); err != nil {
			break
		}
	}
	if err == nil && cfg.Targets.RedisURL != "" {
		err = open("redis", "TARGETS.REDIS_URL", cfg.Targets.RedisURL, cfg.Pools.Redis, KindRedis)
	}
	for i, u := range cfg.Targets.HTTPURLs {
		if err != nil {
			break
		}
		err = open(numbered("http", i), "TARGETS.HTTP_URLS["+strconv.Itoa(i)+"]", u, cfg.Pools.HTTP, KindHTTP)
	}
	if err != nil {
		_ = m.Close(context.Background())
		return nil, err
	}
	return m, nil
}

// numbered is base for the first target and base2, base3, … after it.
func numbered(base string, i int) string {
	if i == 0 {
		return base
	}
	return base + strconv.Itoa(i+1)
}

// Add registers r under r.Name(); a name can be used once.
func (m *Manager) Add(r Runner) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.runners[r.Name()]; dup {
		return fmt.Errorf("a pool named %q already exists: give each target its own name", r.Name())
	}
	m.runners[r.Name()] = r
	return nil
}

// Get returns the Runner named name.
func (m *Manager) Get(name string) (Runner, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runners[name]
	return r, ok
}

// Runners returns every Runner, sorted by name.
func (m *Manager) Runners() []Runner {
	m.mu.Lock()
	out := make([]Runner, 0, len(m.runners))
	for _, r := range m.runners {
		out = append(out, r)
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b Runner) int { return cmp.Compare(a.Name(), b.Name()) })
	return out
}

// Snapshots returns every pool's snapshot, sorted by name.
func (m *Manager) Snapshots() []Snapshot {
	rs := m.Runners()
	out := make([]Snapshot, len(rs))
	for i, r := range rs {
		out[i] = r.Snapshot()
	}
	return out
}

// Close closes every pool concurrently, sharing ctx's deadline, and returns
// their errors joined. The Manager is empty afterwards.
func (m *Manager) Close(ctx context.Context) error {
	rs := m.Runners()
	m.mu.Lock()
	m.runners = map[string]Runner{}
	m.mu.Unlock()
	errs := make([]error, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { errs[i] = r.Close(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
