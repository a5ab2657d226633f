package resources

import "time"

// Severity of a finding.
type Severity string

// Severities, from least to most urgent.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Leak is one potential leak: a resource alive longer than the threshold,
// found in resync's own tracker or on a live server.
type Leak struct {
	Source   string            `json:"source"` // "tracker" or the target name ("database", "redis")
	Kind     string            `json:"kind"`   // resource kind, or "idle_in_transaction", "open_transaction", …
	ID       string            `json:"id"`     // tracker id, backend pid, client id
	Owner    string            `json:"owner"`  // owner label, application name or client name
	Created  time.Time         `json:"created"`
	Lifetime time.Duration     `json:"-"`
	Seconds  float64           `json:"lifetime_seconds"`
	Severity Severity          `json:"severity"`
	Resolved bool              `json:"resolved"` // reported as leaked, released later (a slow holder)
	Stack    string            `json:"stack,omitempty"`
	Evidence map[string]string `json:"evidence,omitempty"` // state, client address, query, user, …
}

// KindStats are the tracker's figures for one kind of resource.
type KindStats struct {
	Created     uint64  `json:"created"`
	Released    uint64  `json:"released"`
	Active      int     `json:"active"`
	PeakActive  int     `json:"peak_active"`
	LifetimeP50 float64 `json:"lifetime_p50_seconds"`
	LifetimeP95 float64 `json:"lifetime_p95_seconds"`
	LifetimeP99 float64 `json:"lifetime_p99_seconds"`
}

// Stats is the tracker's snapshot.
type Stats struct {
	Active int                  `json:"active_count"`
	ByKind map[string]KindStats `json:"by_kind"`
}
