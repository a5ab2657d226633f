package inspect

import (
	"errors"
	"time"
)

// Defaults for Options fields left at zero.
const (
	// DefaultQueryMax is how many characters of a query a leak shows.
	DefaultQueryMax = 200
	// DefaultWarnGroupSize is how many connections of one client must be
	// idle longer than MaxLifetime before the group becomes a warning.
	DefaultWarnGroupSize = 50
	// OwnName labels resync's own connections: PostgreSQL application_name,
	// Redis client name, MySQL program_name connection attribute.
	OwnName = "resync"
	// DefaultShareWarn is the share of the usable connection slots one
	// application, user or client address may hold before a finding.
	DefaultShareWarn = 0.5
)

// Options configure one inspection.
type Options struct {
	// Name is the target's name in the result and in leaks' Source
	// ("database", "redis"); the kind when empty.
	Name string
	// MaxLifetime is the threshold: transactions idle longer than it are
	// leaks, connections older than it are long-lived. Must be > 0.
	MaxLifetime time.Duration
	// QueryMax truncates queries shown as evidence; 0 means DefaultQueryMax.
	QueryMax int
	// WarnGroupSize: see the package rules; 0 means DefaultWarnGroupSize.
	WarnGroupSize int
	// LongTransaction: PostgreSQL transactions open longer than it are
	// long_transaction findings; 0 means MaxLifetime.
	LongTransaction time.Duration
	// LongQuery: PostgreSQL statements running longer than it are
	// long_query findings; 0 means MaxLifetime.
	LongQuery time.Duration
	// ShareWarn (0–1]: a client group holding at least this share of the
	// usable slots is a connection_share finding; 0 means DefaultShareWarn.
	ShareWarn float64
	// OutputBufferWarn: a Redis client with at least this many bytes in its
	// output buffer is an output_buffer finding; 0 means
	// DefaultOutputBufferWarn.
	OutputBufferWarn int64
	// Now is the local clock, used to date leaks; nil means time.Now. Ages
	// themselves come from the server's clock.
	Now func() time.Time
}

func (o Options) withDefaults(kind string) (Options, error) {
	if o.MaxLifetime <= 0 {
		return o, errors.New("inspect: MaxLifetime must be greater than zero")
	}
	if o.Name == "" {
		o.Name = kind
	}
	if o.QueryMax <= 0 {
		o.QueryMax = DefaultQueryMax
	}
	if o.WarnGroupSize <= 0 {
		o.WarnGroupSize = DefaultWarnGroupSize
	}
	if o.LongTransaction <= 0 {
		o.LongTransaction = o.MaxLifetime
	}
	if o.LongQuery <= 0 {
		o.LongQuery = o.MaxLifetime
	}
	if o.ShareWarn <= 0 || o.ShareWarn > 1 {
		o.ShareWarn = DefaultShareWarn
	}
	if o.OutputBufferWarn <= 0 {
		o.OutputBufferWarn = DefaultOutputBufferWarn
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// IsOwn reports whether a connection name marks one of resync's own
// connections: "resync", or "resync-…", "resync/…", "resync:…".
func IsOwn(name string) bool {
	if len(name) < len(OwnName) || name[:len(OwnName)] != OwnName {
		return false
	}
	if len(name) == len(OwnName) {
		return true
	}
	switch name[len(OwnName)] {
	case '-', '/', ':':
		return true
	}
	return false
}
