// Package diag is a diagnostic session: the targets (configured, or the
// embedded default), one instrumented pool per target, the read-through
// cache and the resource tracker every checked-out connection is registered
// with. "resync report" runs a workload through it once; "resync serve"
// keeps it open and probes it.
package diag

import (
	"cmp"
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
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
	"github.com/resync-dev/resync/pkg/workload"
)

// CacheValueSize is the size of the value the read-through cache stores per
// key: a small row.
const CacheValueSize = 256

// InspectTimeout bounds one reachability check or server-side leak
// inspection of one target.
const InspectTimeout = 5 * time.Second

// CacheName is the name of the session's cache in reports.
const CacheName = "default"

// Session owns the targets' pools, the cache and the tracker.
type Session struct {
	targets  []target.Target // configured, or the embedded ones when none was
	embedded *embedded.Targets
	pools    *Pools
	cache    *cache.Cache[uint64, []byte]
	tracker  *resources.Tracker
	started  time.Time
	closing  sync.Once
	closeErr error
}

// Open opens the pools on cfg's targets, or on freshly started embedded
// targets when none is configured. No server is contacted here: an
// unreachable target shows in the report. A target or cache setting the
// pools refuse is an error with exit code 2.
func Open(ctx context.Context, cfg *config.Config) (_ *Session, err error) {
	s := &Session{started: time.Now()}
	defer func() {
		if err != nil {
			_ = s.Close(context.WithoutCancel(ctx))
		}
	}()
	tc := cfg.Targets
	if tc.Empty() {
		if s.embedded, err = embedded.Start(ctx); err != nil {
			return nil, err
		}
		tc = config.TargetsConfig{
			DatabaseURLs: []string{s.embedded.DatabaseURL},
			RedisURL:     s.embedded.RedisURL,
			HTTPURLs:     []string{s.embedded.HTTPURL},
		}
	}
	if s.targets, err = tc.List(); err != nil {
		return nil, &ConfigError{err}
	}
	s.tracker = resources.New(resources.Options{CaptureStacks: true})
	s.pools, err = OpenPools(s.targets, func(t target.Target) pools.Options {
		o := cfg.Pools.For(t.Kind).Options()
		o.Tracker = s.tracker
		return o
	}, nil)
	if err != nil {
		return nil, &ConfigError{err}
	}
	c := cfg.Cache
	s.cache, err = cache.New(cache.Options[uint64, []byte]{
		TTL: c.TTL, CleanupInterval: c.CleanupInterval, Shards: c.Shards, MaxWorkers: c.MaxWorkers,
		MaxItems: c.MaxItems, MaxBytes: int64(c.MaxMemoryMB) << 20,
	})
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("cache: %w", err)}
	}
	return s, nil
}

// ConfigError marks a target or cache setting the pools refused; the
// commands report it as a usage error (exit code 2).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return redact.Text(e.Err.Error()) }
func (e *ConfigError) Unwrap() error { return e.Err }

// Embedded reports whether the targets are resync's built-in ones.
func (s *Session) Embedded() bool { return s.embedded != nil }

// Targets are the session's targets (the embedded ones when none was
// configured), in configuration order: database…, redis, http….
func (s *Session) Targets() []target.Target { return slices.Clone(s.targets) }

// Runners are the targets' pools, sorted by name.
func (s *Session) Runners() []pools.Runner { return s.pools.sortedRunners() }

// Cache is the read-through cache as the workload uses it.
func (s *Session) Cache() workload.Cache {
	return workload.CacheOf(s.cache, make([]byte, CacheValueSize))
}

// ResetCacheStats starts the cache's counters afresh (cache.ResetStats): the
// workload calls it when its warm-up ends.
func (s *Session) ResetCacheStats() { s.cache.ResetStats() }

// Ping checks every pool's reachability concurrently, each bounded by
// InspectTimeout. Errors are redacted.
func (s *Session) Ping(ctx context.Context) []report.Target {
	errs := s.pools.Ping(ctx, func(target.Target) time.Duration { return InspectTimeout })
	targets := make([]report.Target, len(errs))
	for i, r := range s.pools.Runners() {
		targets[i] = report.Target{Name: r.Name(), Kind: r.Kind(), URL: r.Target(), Reachable: errs[i] == nil}
		if errs[i] != nil {
			targets[i].Error = errs[i].Error()
		}
	}
	slices.SortFunc(targets, func(a, b report.Target) int { return cmp.Compare(a.Name, b.Name) })
	return targets
}

// Input pings every pool (reachability), snapshots pools, cache and tracker
// and scans for leaks older than maxLifetime, in-process and on the servers.
func (s *Session) Input(ctx context.Context, maxLifetime time.Duration) report.Input {
	var targets []report.Target
	var scan report.LeakScan
	var wg sync.WaitGroup
	wg.Go(func() { targets = s.Ping(ctx) })
	wg.Go(func() { scan, _ = s.Leaks(ctx, maxLifetime) })
	wg.Wait()
	in := report.Input{
		Now:       time.Now(),
		Duration:  time.Since(s.started),
		Partial:   ctx.Err() != nil,
		Embedded:  s.Embedded(),
		Targets:   targets,
		Caches:    []report.CacheInput{{Name: CacheName, Stats: s.cache.Stats()}},
		Resources: s.tracker.Stats(),
		Leaks:     scan.Leaks,
	}
	for _, r := range s.Runners() {
		in.Pools = append(in.Pools, report.PoolInput{Snapshot: r.Snapshot()})
	}
	return in
}

// Leaks is the tracker's leaks plus a server-side inspection of every
// database and Redis target (SQLite and HTTP have no sessions to inspect;
// the embedded Redis has no CLIENT LIST). A server that could not be
// inspected is not an error here: it is named, with the reason (redacted),
// in the scan's NotInspected, so that "no leaks" never stands for "not
// looked at"; the report shows it in its targets too.
func (s *Session) Leaks(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error) {
	scan := report.LeakScan{Leaks: s.tracker.DetectLeaks(maxLifetime)}
	if s.Embedded() {
		return scan, ctx.Err()
	}
	results := make([]*inspect.Result, len(s.targets))
	errs := make([]error, len(s.targets))
	var wg sync.WaitGroup
	for i, t := range s.targets {
		switch t.Kind {
		case target.Postgres, target.MySQL, target.Redis:
		default:
			continue
		}
		wg.Go(func() {
			ictx, cancel := context.WithTimeout(ctx, InspectTimeout)
			defer cancel()
			results[i], errs[i] = inspect.Inspect(ictx, t, inspect.Options{MaxLifetime: maxLifetime})
			if results[i] == nil && errs[i] == nil {
				errs[i] = errors.New("the inspector returned nothing")
			}
		})
	}
	wg.Wait()
	for i, t := range s.targets {
		res, err := results[i], errs[i]
		switch {
		case res == nil && err == nil: // not a kind with server sessions
		case res != nil && res.Reachable:
			scan.Inspected = append(scan.Inspected, t.Name)
			scan.Leaks = append(scan.Leaks, res.Leaks...)
		default:
			reason := "unreachable"
			if res != nil && res.Error != "" {
				reason = res.Error
			} else if err != nil {
				reason = err.Error()
			}
			scan.NotInspected = append(scan.NotInspected, report.NotInspected{
				Name: t.Name, Kind: string(t.Kind), URL: t.Redacted(), Reason: redact.Text(reason),
			})
		}
	}
	return scan, ctx.Err()
}

// Close closes the pools, the cache and the embedded targets, within ctx.
func (s *Session) Close(ctx context.Context) error {
	s.closing.Do(func() {
		var errs []error
		errs = append(errs, s.pools.Close(ctx))
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
