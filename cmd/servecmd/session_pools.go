package servecmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/resync-dev/resync/internal/embedded"
	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/workload"
)

// cacheValueSize is the size of the value the probes' read-through cache
// stores per key: a small row.
const cacheValueSize = 256

// inspectTimeout bounds one server-side leak inspection of one target.
const inspectTimeout = 5 * time.Second

// poolSession is the monitoring session: one pool per target (or per
// embedded target), the read-through cache the database probes use and the
// resource tracker every checked-out connection is registered with.
type poolSession struct {
	cfg      config.Config // targets resolved (the embedded ones when none was configured)
	embedded *embedded.Targets
	mgr      *pools.Manager
	cache    *cache.Cache[uint64, []byte]
	tracker  *resources.Tracker
	started  time.Time
	closing  sync.Once
	closeErr error
}

// openDiag opens the pools on cfg's targets, or on freshly started embedded
// targets when none is configured. No server is contacted here: an
// unreachable target shows in the report.
func openDiag(ctx context.Context, cfg *config.Config) (_ Session, err error) {
	s := &poolSession{cfg: *cfg, started: time.Now()}
	defer func() {
		if err != nil {
			_ = s.Close(context.WithoutCancel(ctx))
		}
	}()
	if cfg.Targets.Empty() {
		if s.embedded, err = embedded.Start(ctx); err != nil {
			return nil, err
		}
		s.cfg.Targets = config.TargetsConfig{
			DatabaseURLs: []string{s.embedded.DatabaseURL},
			RedisURL:     s.embedded.RedisURL,
			HTTPURLs:     []string{s.embedded.HTTPURL},
		}
	}
	s.tracker = resources.New(resources.Options{CaptureStacks: true})
	if s.mgr, err = pools.FromConfig(&s.cfg, s.tracker); err != nil {
		return nil, &configErr{err}
	}
	c := cfg.Cache
	s.cache, err = cache.New(cache.Options[uint64, []byte]{
		TTL: c.TTL, CleanupInterval: c.CleanupInterval, Shards: c.Shards, MaxWorkers: c.MaxWorkers,
		MaxItems: c.MaxItems, MaxBytes: int64(c.MaxMemoryMB) << 20,
	})
	if err != nil {
		return nil, &configErr{fmt.Errorf("cache: %w", err)}
	}
	return s, nil
}

// configErr marks a target or cache setting the pools refused: exit code 2.
type configErr struct{ err error }

func (e *configErr) Error() string { return config.RedactText(e.err.Error()) }
func (e *configErr) Unwrap() error { return e.err }
func (e *configErr) ExitCode() int { return 2 }

func (s *poolSession) Embedded() bool { return s.embedded != nil }

func (s *poolSession) Probes() []Probe {
	var out []Probe
	for _, r := range s.mgr.Runners() {
		out = append(out, Probe{Name: r.Name(), Kind: r.Kind(), Do: r.Do})
	}
	return out
}

func (s *poolSession) Cache() workload.Cache {
	return workload.CacheOf(s.cache, make([]byte, cacheValueSize))
}

// Input pings every pool (reachability), snapshots pools, cache and tracker
// and scans for leaks.
func (s *poolSession) Input(ctx context.Context, maxLifetime time.Duration) report.Input {
	runners := s.mgr.Runners()
	targets := make([]report.Target, len(runners))
	var wg sync.WaitGroup
	for i, r := range runners {
		wg.Go(func() {
			pctx, cancel := context.WithTimeout(ctx, inspectTimeout)
			defer cancel()
			t := report.Target{Name: r.Name(), Kind: r.Kind(), URL: r.Target(), Reachable: true}
			if err := r.Ping(pctx); err != nil {
				t.Reachable, t.Error = false, config.RedactText(err.Error())
			}
			targets[i] = t
		})
	}
	leaks, _ := s.Leaks(ctx, maxLifetime)
	wg.Wait()
	in := report.Input{
		Now:       time.Now(),
		Duration:  time.Since(s.started),
		Partial:   ctx.Err() != nil,
		Embedded:  s.Embedded(),
		Targets:   targets,
		Caches:    []report.CacheInput{{Name: "default", Stats: s.cache.Stats()}},
		Resources: s.tracker.Stats(),
		Leaks:     leaks,
	}
	for _, r := range runners {
		in.Pools = append(in.Pools, report.PoolInput{Snapshot: r.Snapshot()})
	}
	return in
}

// Leaks is the tracker's leaks plus a server-side inspection of every
// database and Redis target (SQLite and HTTP have no sessions to inspect).
// An unreachable server is not an error here: it shows in the report's
// targets.
func (s *poolSession) Leaks(ctx context.Context, maxLifetime time.Duration) ([]resources.Leak, error) {
	leaks := s.tracker.DetectLeaks(maxLifetime)
	var mu sync.Mutex
	var wg sync.WaitGroup
	urls := append(slices.Clone(s.cfg.Targets.DatabaseURLs), s.cfg.Targets.RedisURL)
	for _, r := range s.mgr.Runners() {
		switch r.Kind() {
		case pools.KindPostgres, pools.KindMySQL, pools.KindRedis:
		default:
			continue
		}
		u := rawURL(r, urls)
		if u == "" {
			continue
		}
		wg.Go(func() {
			ictx, cancel := context.WithTimeout(ctx, inspectTimeout)
			defer cancel()
			res, _ := inspect.Inspect(ictx, u, inspect.Options{Name: r.Name(), MaxLifetime: maxLifetime})
			if res != nil {
				mu.Lock()
				leaks = append(leaks, res.Leaks...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return leaks, ctx.Err()
}

// rawURL finds the configured URL (with its credentials) of a runner, whose
// own Target() is redacted.
func rawURL(r pools.Runner, urls []string) string {
	for _, u := range urls {
		if u != "" && config.RedactURL(u) == r.Target() {
			return u
		}
	}
	return ""
}

// Close closes the pools, the cache and the embedded targets, within ctx.
func (s *poolSession) Close(ctx context.Context) error {
	s.closing.Do(func() {
		var errs []error
		if s.mgr != nil {
			errs = append(errs, s.mgr.Close(ctx))
		}
		if s.cache != nil {
			errs = append(errs, s.cache.Close())
		}
		if s.embedded != nil {
			errs = append(errs, s.embedded.Close(ctx))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
