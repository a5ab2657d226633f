package servecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/server"
)

// rebuildTimeout bounds one report rebuild (snapshots and the server-side
// leak scan).
const rebuildTimeout = 30 * time.Second

// runServe opens the session, serves until ctx is cancelled (the first
// SIGINT/SIGTERM) and shuts down within ShutdownBudget; the second signal
// (cmdutil.Aborted) cuts the shutdown short.
func runServe(ctx context.Context, opts *ServeOptions) error {
	cfg, err := opts.Load()
	if err != nil {
		return err
	}
	// Listen before opening the targets: a busy port fails fast.
	ln, err := opts.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w: pick another --addr or stop what is using it", opts.Addr, err)
	}
	defer ln.Close() // Serve closes it too; this covers the early returns

	aborted := cmdutil.Aborted(ctx)

	log := newLogger(opts.IO.ErrOut, opts.IO.Quiet, opts.IO.Verbose)
	sess, err := opts.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open the targets: %w", err)
	}
	lv := &live{sess: sess, cfg: cfg}
	pm := newProbeMetrics()
	srv, err := server.New(server.Options{
		Token:       opts.Token,
		Leaks:       lv.leaks,
		MaxLifetime: opts.MaxLifetime,
		Collectors:  pm.collectors(),
		Logger:      log,
	})
	if err != nil {
		closeSession(sess, aborted, log)
		return err
	}
	win := &window{length: opts.window()}
	rebuild := func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
		defer cancel()
		t0 := time.Now()
		r := win.report(t0, lv.session().Input(ctx, opts.MaxLifetime))
		if err := srv.Publish(r); err != nil {
			log.Warn("report not published; the previous one is still served", "error", err)
			return
		}
		log.Debug("report rebuilt", "health", r.OverallHealth, "took", time.Since(t0).Round(time.Microsecond))
	}
	rebuild(ctx) // the API never answers "no report yet"

	if !opts.IO.Quiet {
		banner(opts.IO.ErrOut, opts, ln.Addr().String(), sess.Embedded(), cfg)
	}
	work, stopWork := context.WithCancel(ctx)
	probe := func(sess Session, cfg *config.Config) (stop func()) {
		pctx, cancel := context.WithCancel(work)
		wait := startProbes(pctx, sess.Probes(), probeConfig{
			rate: opts.ProbeRate, cache: sess.Cache(), keys: cfg.Workload.Keys, dist: cfg.Workload.Distribution,
		}, pm, log)
		return func() { cancel(); wait() }
	}
	lv.stopProbes = probe(sess, cfg)
	var pending pendingConfig
	waitWatch := func() {}
	if opts.SettingsFile != "" {
		waitWatch = watchSettings(work, opts.SettingsFile, cfg, opts.Load, &pending, log)
	}
	var loop sync.WaitGroup
	loop.Go(func() {
		every(work, opts.Interval, func(ctx context.Context) {
			if next := pending.take(); next != nil {
				lv.apply(ctx, next, opts.Open, probe, aborted, log)
			}
			rebuild(ctx)
		})
	})
	loop.Go(func() {
		select {
		case <-aborted:
			_ = srv.Close()
		case <-work.Done():
		}
	})

	serveErr := srv.Serve(ctx, ln)
	stopWork()
	waitWatch()
	loop.Wait()
	lv.stopProbes()
	closeErr := closeSession(lv.sess, aborted, log)
	if !opts.IO.Quiet {
		fmt.Fprintln(opts.IO.ErrOut, "resync serve: stopped")
	}
	if serveErr != nil {
		return serveErr
	}
	return closeErr
}

// live is the session serve monitors, the configuration it was opened with
// and its probes. A reloaded settings file replaces all three between two
// report rebuilds (apply); the HTTP handlers meanwhile read through
// session().
type live struct {
	mu         sync.RWMutex
	sess       Session
	cfg        *config.Config
	stopProbes func() // only the serve loop touches it
}

func (lv *live) session() Session {
	lv.mu.RLock()
	defer lv.mu.RUnlock()
	return lv.sess
}

// leaks is the API's fresh leak scan; it holds the session until the scan
// ends, so a reload never closes a session under a running scan.
func (lv *live) leaks(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error) {
	lv.mu.RLock()
	defer lv.mu.RUnlock()
	return lv.sess.Leaks(ctx, maxLifetime)
}

// apply switches to a reloaded configuration: pool sizes and timeouts,
// cache bounds and the probes' key settings all take effect by opening a
// new session on it, which then replaces the old one (closed within the
// shutdown budget). The new session is opened first, so one the pools
// refuse leaves the old one serving.
func (lv *live) apply(ctx context.Context, cfg *config.Config, open func(context.Context, *config.Config) (Session, error),
	probe func(Session, *config.Config) func(), aborted <-chan struct{}, log *slog.Logger) {
	next, err := open(ctx, cfg)
	if err != nil {
		log.Warn("reloaded settings not applied; the previous settings stay in effect", "error", redact.Text(err.Error()))
		return
	}
	lv.stopProbes()
	lv.mu.Lock()
	old := lv.sess
	lv.sess, lv.cfg = next, cfg
	lv.mu.Unlock()
	_ = closeSession(old, aborted, log) // logged there
	lv.stopProbes = probe(next, cfg)
	log.Info("settings reloaded", "file", cfg.File,
		"db_pool", fmt.Sprintf("%d..%d", cfg.Pools.DB.MinSize, cfg.Pools.DB.MaxSize),
		"redis_pool", fmt.Sprintf("%d..%d", cfg.Pools.Redis.MinSize, cfg.Pools.Redis.MaxSize),
		"http_pool", fmt.Sprintf("%d..%d", cfg.Pools.HTTP.MinSize, cfg.Pools.HTTP.MaxSize))
}

// every calls fn every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}

// closeSession closes the pools within what is left of the shutdown budget
// (a second signal cuts it short).
func closeSession(sess Session, aborted <-chan struct{}, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownBudget-server.DefaultShutdownTimeout)
	defer cancel()
	go func() {
		select {
		case <-aborted:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := sess.Close(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("closing the pools", "error", err)
		return fmt.Errorf("close the pools: %w", err)
	}
	return nil
}

func newLogger(w io.Writer, quiet, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case verbose:
		level = slog.LevelDebug
	case quiet:
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// banner tells where the API is and against what, on stderr. URLs are
// redacted; the token is never printed.
func banner(w io.Writer, opts *ServeOptions, addr string, embedded bool, cfg *config.Config) {
	targets := "embedded targets: SQLite, in-process Redis, loopback HTTP; use --db/--redis/--http for yours"
	if !embedded {
		var ts []string
		list, _ := cfg.Targets.List() // validated when loaded, and again by the session
		for _, t := range list {
			ts = append(ts, t.Redacted())
		}
		targets = "targets: " + strings.Join(ts, ", ")
	}
	fmt.Fprintf(w, "resync serve: listening on http://%s (%s)\n", addr, targets)
	probes := "probes off"
	if opts.ProbeRate > 0 {
		probes = fmt.Sprintf("probing at %g/s per pool", opts.ProbeRate)
	}
	auth := "no token"
	if opts.Token != "" {
		auth = "bearer token required except on " + server.PathHealth
	}
	fmt.Fprintf(w, "  report every %v, %s, %s; try: curl -s http://%s%s\n", opts.Interval, probes, auth, addr, server.PathHealth)
	if !loopback(addr) && opts.Token == "" {
		fmt.Fprintf(w, "  warning: %s is reachable from other machines and no token is set: anyone who can connect can read the report (set $%s)\n", addr, TokenEnv)
	}
}
