package pools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/resync-dev/resync/pkg/target"
)

// Manager holds named Runners ("database", "redis", "http", …). Its methods
// are safe for concurrent use.
type Manager struct {
	mu      sync.Mutex
	runners map[string]Runner
}

// NewManager returns an empty Manager.
func NewManager() *Manager { return &Manager{runners: map[string]Runner{}} }

// OpenAll opens one pool per target, with the options optsFor gives it and
// the kind's default operation, in a new Manager. On an error the pools
// opened so far are closed again.
func OpenAll(ts []target.Target, optsFor func(target.Target) Options) (*Manager, error) {
	m := NewManager()
	for _, t := range ts {
		r, err := Open(t, optsFor(t), Operation{})
		if err == nil {
			err = m.Add(r)
		}
		if err != nil {
			_ = m.Close(context.Background())
			return nil, err
		}
	}
	return m, nil
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
