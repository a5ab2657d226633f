package monitor

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/resync-dev/resync/pkg/resources"
)

// Sampling interval: the default and the bounds Options.Interval is
// clamped to.
const (
	// DefaultInterval is how often registered pools and caches are read
	// when Options.Interval is zero.
	DefaultInterval = 10 * time.Second
	// MinInterval is the shortest interval: a sample costs a report build
	// (see bench/README.md), which is not worth doing more often.
	MinInterval = 100 * time.Millisecond
	// MaxInterval is the longest interval, so utilization still follows
	// changes within a quarter of an hour.
	MaxInterval = 10 * time.Minute
	// DefaultMaxLifetime is the leak threshold when Options.MaxLifetime is
	// zero: a tracked resource alive longer is a potential leak.
	DefaultMaxLifetime = time.Hour
)

// Options configure a Monitor. Zero values mean the documented defaults.
type Options struct {
	// Interval between samples; zero means DefaultInterval, and values
	// outside [MinInterval, MaxInterval] are clamped to the nearest bound.
	Interval time.Duration
	// MaxLifetime is the leak threshold of the report and of
	// /resources/leaks without max_lifetime_seconds; zero means
	// DefaultMaxLifetime.
	MaxLifetime time.Duration
	// Token, when not empty, is the bearer token the handler requires on
	// every path but /api/performance/health, as with "resync serve --token".
	Token string
	// Registerer, when not nil, receives the report's Prometheus collector
	// (resync_pool_*, resync_cache_*, …) so the service's own /metrics
	// shows it. The handler's /metrics serves its private registry either way.
	Registerer prometheus.Registerer
	// Tracker configures the resources tracker returned by Tracker.
	Tracker resources.Options
	// Logger receives the monitor's and the HTTP handler's errors; nil
	// discards them.
	Logger *slog.Logger
	// Clock returns the current time; nil means time.Now. Tests inject a
	// fake clock to make rates exact.
	Clock func() time.Time
}

func (o Options) withDefaults() Options {
	switch {
	case o.Interval == 0:
		o.Interval = DefaultInterval
	case o.Interval < MinInterval:
		o.Interval = MinInterval
	case o.Interval > MaxInterval:
		o.Interval = MaxInterval
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = DefaultMaxLifetime
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}
