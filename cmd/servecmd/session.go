package servecmd

import (
	"context"
	"time"

	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload"
)

// Session is what serve needs from a monitoring session: the targets'
// pools to probe, the snapshots a report is built from, a fresh leak scan,
// and the cache the probes read through. internal/diag provides it
// (openDiag); tests use their own.
type Session interface {
	// Probes are the pools' operations, one per target.
	Probes() []Probe
	// Embedded reports whether the targets are resync's built-in ones.
	Embedded() bool
	// Input snapshots the pools, the cache and the tracker and scans for
	// leaks older than maxLifetime (on the servers too).
	Input(ctx context.Context, maxLifetime time.Duration) report.Input
	// Leaks is a fresh leak scan with the given threshold: the leaks
	// found and the targets inspected and not inspected.
	Leaks(ctx context.Context, maxLifetime time.Duration) (report.LeakScan, error)
	// Cache is the read-through cache the probes of database pools go
	// through; nil for none.
	Cache() workload.Cache
	// Close closes the pools and stops the embedded targets.
	Close(ctx context.Context) error
}

// Probe is one pool's operation: a query, a PING, a GET.
type Probe struct {
	Name string // the pool's name: "database", "redis", "http", …
	Kind string // postgres | mysql | sqlite | redis | http
	Do   func(ctx context.Context) error
}
