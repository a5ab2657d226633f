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
	pm := newProbeMetrics()
	srv, err := server.New(server.Options{
		Token:       opts.Token,
		Leaks:       sess.Leaks,
		MaxLifetime: opts.MaxLifetime,
		Collectors:  pm.collectors(),
		Logger:      log,
	})
	if err != nil {
		closeSession(sess, aborted, log)
		return err
	}
	rebuild := func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
		defer cancel()
		t0 := time.Now()
		r := report.Build(sess.Input(ctx, opts.MaxLifetime))
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
	waitProbes := startProbes(work, sess.Probes(), probeConfig{
		rate: opts.ProbeRate, cache: sess.Cache(), keys: cfg.Workload.Keys, dist: cfg.Workload.Distribution,
	}, pm, log)
	var loop sync.WaitGroup
	loop.Go(func() { every(work, opts.Interval, rebuild) })
	loop.Go(func() {
		select {
		case <-aborted:
			_ = srv.Close()
		case <-work.Done():
		}
	})

	serveErr := srv.Serve(ctx, ln)
	stopWork()
	waitProbes()
	loop.Wait()
	closeErr := closeSession(sess, aborted, log)
	if !opts.IO.Quiet {
		fmt.Fprintln(opts.IO.ErrOut, "resync serve: stopped")
	}
	if serveErr != nil {
		return serveErr
	}
	return closeErr
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
		for _, u := range cfg.Targets.DatabaseURLs {
			ts = append(ts, config.RedactURL(u))
		}
		if cfg.Targets.RedisURL != "" {
			ts = append(ts, config.RedactURL(cfg.Targets.RedisURL))
		}
		for _, u := range cfg.Targets.HTTPURLs {
			ts = append(ts, config.RedactURL(u))
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
