package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/resync-dev/resync/pkg/report"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultAddr is where "resync serve" listens: loopback only, so the
	// API is not exposed by accident.
	DefaultAddr = "127.0.0.1:8080"
	// DefaultMaxLifetime is the leak threshold of /resources/leaks when the
	// request gives no max_lifetime_seconds.
	DefaultMaxLifetime = time.Hour
	// DefaultLeakTimeout bounds one leak scan (it queries the live servers).
	DefaultLeakTimeout = 10 * time.Second
	// DefaultShutdownTimeout bounds the graceful shutdown: requests in
	// flight get this long to finish before their connections are closed.
	DefaultShutdownTimeout = 3 * time.Second
)

// The http.Server's limits. WriteTimeout must exceed the leak scan's
// timeout so a slow scan still gets its 503 written.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = DefaultLeakTimeout + 5*time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 16 << 10
)

// MaxLifetimeLimit is the largest max_lifetime_seconds accepted (about 31
// years); larger values would overflow a time.Duration.
const MaxLifetimeLimit = 1e9

// LeakFunc scans for resources alive longer than maxLifetime — in resync's
// own tracker and on the live servers — and returns them with the targets
// it inspected and those it could not. It must honour ctx. A monitoring
// session's leak scan satisfies it.
type LeakFunc func(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error)

// Options configure a Server. Zero values mean the documented defaults.
type Options struct {
	// Token, when not empty, is the bearer token required on every path
	// but /api/performance/health. It is never logged or echoed.
	Token string
	// Leaks runs the fresh leak scan behind /resources/leaks. Required.
	Leaks LeakFunc
	// MaxLifetime is the leak threshold when a request gives none; zero
	// means DefaultMaxLifetime.
	MaxLifetime time.Duration
	// LeakTimeout bounds one leak scan; zero means DefaultLeakTimeout. It
	// is capped a second below WriteTimeout, so the answer can be written.
	LeakTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown in Serve; zero means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Collectors are registered on the server's Prometheus registry next to
	// its own (for example the probe loop's latency histograms).
	Collectors []prometheus.Collector
	// Logger receives the HTTP server's own errors (bad TLS handshakes,
	// panics); nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = DefaultMaxLifetime
	}
	if o.LeakTimeout <= 0 {
		o.LeakTimeout = DefaultLeakTimeout
	}
	if limit := WriteTimeout - time.Second; o.LeakTimeout > limit {
		o.LeakTimeout = limit // a slower scan could not get its answer written
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
