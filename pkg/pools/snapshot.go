package pools

import "time"

// Quantiles summarise one histogram, in milliseconds.
type Quantiles struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// ErrorCounts are errors by kind.
type ErrorCounts struct {
	Dial        uint64 `json:"dial"`         // connecting or the first ping failed
	HealthCheck uint64 `json:"health_check"` // an idle connection failed validation
	Operation   uint64 `json:"operation"`    // an operation on a checked-out connection failed
}

// Total is the sum of all kinds.
func (e ErrorCounts) Total() uint64 { return e.Dial + e.HealthCheck + e.Operation }

// ClosedCounts are connections closed, by reason.
type ClosedCounts struct {
	Idle     uint64 `json:"idle"`     // idle longer than IdleTimeout
	Lifetime uint64 `json:"lifetime"` // older than MaxLifetime (with jitter)
	Health   uint64 `json:"health"`   // failed a health check
	Error    uint64 `json:"error"`    // released as broken after an error
	Shutdown uint64 `json:"shutdown"` // closed by Close
}

// Snapshot is a consistent view of one pool at one moment. Names follow the
// OpenTelemetry db.client.connection.* conventions where one exists (noted).
type Snapshot struct {
	Name   string `json:"name"`   // "database", "redis", "http", …
	Kind   string `json:"kind"`   // postgres | mysql | sqlite | redis | http
	Target string `json:"target"` // redacted URL

	MinSize int `json:"min_size"` // db.client.connection.idle.min
	MaxSize int `json:"max_size"` // db.client.connection.max

	Total        int `json:"total"`        // all connections, any state
	Active       int `json:"active"`       // db.client.connection.count{state=used}
	Idle         int `json:"idle"`         // db.client.connection.count{state=idle}
	Constructing int `json:"constructing"` // being dialled
	Waiting      int `json:"waiting"`      // db.client.connection.pending_requests
	PeakWaiting  int `json:"peak_waiting"`

	AcquireCount  uint64    `json:"acquire_count"`
	AcquireWaitMs Quantiles `json:"acquire_wait_ms"` // db.client.connection.wait_time
	// HoldMs is db.client.connection.use_time. Above 100,000 checkouts a
	// second a pool times a weighted sample of its checkouts (see the
	// sampling notes in metrics.go); below, every one.
	HoldMs        Quantiles    `json:"hold_ms"`
	ConnectMs     Quantiles    `json:"connect_ms"` // db.client.connection.create_time
	Errors        ErrorCounts  `json:"errors"`
	Exhaustions   uint64       `json:"exhaustions"`   // acquires that found no idle connection at max size
	Timeouts      uint64       `json:"timeouts"`      // db.client.connection.timeouts
	Cancellations uint64       `json:"cancellations"` // acquires abandoned by the caller's context
	Created       uint64       `json:"created"`
	Closed        ClosedCounts `json:"closed"`

	Operations uint64 `json:"operations"` // operations run through Exec/Do that succeeded (failures: Errors.Operation)

	// HTTP only, counted by each slot: requests that reused a kept-alive
	// TCP connection and requests that needed a new one (first use of a slot,
	// or the server closed the previous connection).
	HTTPConnsReused uint64 `json:"http_conns_reused,omitempty"`
	HTTPConnsNew    uint64 `json:"http_conns_new,omitempty"`

	Utilization     float64 `json:"utilization"`      // time-weighted mean of active/max since start (0–1): Σ hold ÷ (uptime × max)
	PeakUtilization float64 `json:"peak_utilization"` // max of active/max (0–1)

	// AcquireWaitBuckets is the acquire-wait distribution (the data behind
	// AcquireWaitMs) as cumulative counts at DefaultWaitBuckets, for
	// Prometheus histograms; AcquireWaitCount is the number of waits (the
	// +Inf bucket) and AcquireWaitSumSeconds their exact sum.
	AcquireWaitBuckets    []Bucket `json:"-"`
	AcquireWaitCount      uint64   `json:"-"`
	AcquireWaitSumSeconds float64  `json:"-"`

	Uptime    time.Duration `json:"-"`
	Reachable bool          `json:"reachable"`
	LastError string        `json:"last_error,omitempty"` // redacted
}

// ErrorRate is errors per acquire attempt (0 when none).
func (s Snapshot) ErrorRate() float64 {
	den := s.AcquireCount + s.Errors.Dial
	if den == 0 {
		return 0
	}
	r := float64(s.Errors.Total()) / float64(den)
	if r > 1 {
		r = 1
	}
	return r
}

// Throughput is operations per second over the pool's uptime.
func (s Snapshot) Throughput() float64 {
	if s.Uptime <= 0 {
		return 0
	}
	return float64(s.Operations) / s.Uptime.Seconds()
}

// Tracker receives every checked-out connection, so one held too long shows
// up in leak reports with its holder's stack. *resources.Tracker satisfies it.
type Tracker interface {
	// Register records a resource of kind owned by owner and returns its id.
	Register(kind, owner string) (id uint64, err error)
	// Release marks the resource released.
	Release(id uint64)
}
