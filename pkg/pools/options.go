package pools

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options configures a Pool. MaxSize and the four timeouts must be positive
// and MinSize must lie in 0..MaxSize (New rejects anything else, unlike the
// zero-means-default convention: a pool silently sized or timed by accident
// would skew the diagnosis); the other fields are optional.
type Options struct {
	// MinSize connections are kept open, refilled in the background. 0 opens
	// connections only on demand.
	MinSize int
	// MaxSize bounds the connections open at once, in any state.
	MaxSize int
	// ConnectTimeout bounds one dial and one whole Acquire.
	ConnectTimeout time.Duration
	// IdleTimeout closes connections idle longer than this, down to MinSize.
	IdleTimeout time.Duration
	// MaxLifetime closes connections older than this (minus up to 10 %
	// jitter, so they do not all expire together), even below MinSize;
	// the pool then refills to MinSize.
	MaxLifetime time.Duration
	// HealthCheckInterval is how often idle connections are pinged; broken
	// ones are closed and replaced.
	HealthCheckInterval time.Duration

	// OperationTimeout bounds one Runner.Do operation; 0 means ConnectTimeout.
	OperationTimeout time.Duration

	// Tracker, when set, receives every checked-out connection (kind = pool
	// kind, owner = pool name) and its release. A Register error is logged
	// and the connection is handed out untracked.
	Tracker Tracker
	// Logger receives debug lines about dials, health checks and closes
	// (errors redacted). Nil discards them.
	Logger *slog.Logger

	// TLSConfig is used by https:// and rediss:// connectors (for example a
	// config whose RootCAs trust a test server's certificate). Nil means the
	// system roots.
	TLSConfig *tls.Config
	// UserAgent is sent by the HTTP connector; DefaultUserAgent() when empty.
	UserAgent string
}

// validate reports every problem with o at once, naming the setting and
// what to do.
func (o Options) validate() error {
	var errs []error
	if o.MaxSize <= 0 {
		errs = append(errs, fmt.Errorf("max size %d: must be at least 1", o.MaxSize))
	}
	if o.MinSize < 0 {
		errs = append(errs, fmt.Errorf("min size %d: must be 0 or more", o.MinSize))
	}
	if o.MaxSize > 0 && o.MinSize > o.MaxSize {
		errs = append(errs, fmt.Errorf("min size %d is larger than max size %d: lower the min or raise the max", o.MinSize, o.MaxSize))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"connect timeout", o.ConnectTimeout},
		{"idle timeout", o.IdleTimeout},
		{"max lifetime", o.MaxLifetime},
		{"health check interval", o.HealthCheckInterval},
	} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("%s %v: must be positive", d.name, d.v))
		}
	}
	if o.OperationTimeout < 0 {
		errs = append(errs, fmt.Errorf("operation timeout %v: must be positive, or 0 for the connect timeout", o.OperationTimeout))
	}
	return errors.Join(errs...)
}

// opTimeout is OperationTimeout with its default applied.
func (o Options) opTimeout() time.Duration {
	if o.OperationTimeout > 0 {
		return o.OperationTimeout
	}
	return o.ConnectTimeout
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}
