package inspect

import (
	"time"

	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/target"
)

// Target kinds.
const (
	KindPostgres = string(target.Postgres)
	KindMySQL    = string(target.MySQL)
	KindRedis    = string(target.Redis)
)

// Leak kinds found on servers (resources.Leak.Kind).
const (
	LeakIdleInTransaction  = "idle_in_transaction" // PostgreSQL
	LeakOpenTransaction    = "open_transaction"    // MySQL/MariaDB: sleeping with an InnoDB transaction
	LeakOpenMulti          = "open_multi"          // Redis: idle inside MULTI
	LeakGrowingConnections = "growing_connections" // any: count kept growing across samples
)

// Finding codes.
const (
	FindingUnreachable  = "unreachable"
	FindingPrivilege    = "insufficient_privilege"
	FindingCapacity     = "capacity"
	FindingOwnUnknown   = "own_connections_unknown"
	FindingNotInspected = "not_inspected"
	FindingGroupIdle    = "idle_group"
)

// Result is one target's inspection.
type Result struct {
	Name        string             `json:"name"` // "database", "database2", "redis"
	Kind        string             `json:"kind"` // postgres | mysql | redis (or the URL's scheme when not inspected)
	URL         string             `json:"url"`  // redacted
	Reachable   bool               `json:"reachable"`
	Error       string             `json:"error,omitempty"` // redacted
	Server      string             `json:"server,omitempty"`
	User        string             `json:"user,omitempty"` // the role/user resync inspected as
	SampledAt   time.Time          `json:"sampled_at"`
	Connections int                `json:"connections"` // client connections seen, resync's inspector excluded
	Leaks       []resources.Leak   `json:"potential_leaks"`
	LongLived   []Group            `json:"long_lived"`
	Own         []Group            `json:"own_connections"` // resync's own, shown apart
	Clients     []Group            `json:"clients"`         // every other connection, grouped (for --watch)
	Capacity    *Capacity          `json:"capacity,omitempty"`
	Blocking    []BlockChain       `json:"blocking_chains,omitempty"` // PostgreSQL: head blockers and who waits behind them
	LongRunning []LongSession      `json:"long_running,omitempty"`    // PostgreSQL: long transactions and statements
	Outliers    []Outlier          `json:"client_outliers,omitempty"` // Redis: idle and output-buffer outliers of their group
	Holders     []Holder           `json:"top_holders,omitempty"`     // biggest holder of slots per application, user, client
	Findings    []Finding          `json:"findings"`
	MaxLifetime time.Duration      `json:"-"`
	Threshold   float64            `json:"max_lifetime_seconds"`
	Severity    resources.Severity `json:"severity"` // the worst of leaks and findings
}

// Group is connections of one client: same application (or client) name,
// user and client host.
type Group struct {
	Application    string             `json:"application"`
	User           string             `json:"user,omitempty"`
	Client         string             `json:"client"` // host without port; "local" for a Unix socket
	Count          int                `json:"count"`
	IdleOver       int                `json:"idle_over_threshold"` // connections idle longer than MaxLifetime
	OldestSeconds  float64            `json:"oldest_seconds"`      // -1 when the server does not tell
	MaxIdleSeconds float64            `json:"max_idle_seconds"`
	States         map[string]int     `json:"states,omitempty"`
	Own            bool               `json:"own,omitempty"`
	Severity       resources.Severity `json:"severity"`
	Note           string             `json:"note,omitempty"`
}

// Key identifies a group across samples.
func (g Group) Key() string { return g.Application + "\x00" + g.User + "\x00" + g.Client }

// Capacity is the connection count against the server's limit.
type Capacity struct {
	Used      int     `json:"used"`
	Max       int     `json:"max"`       // max_connections, maxclients
	Reserved  int     `json:"reserved"`  // slots only superusers (or reserved roles) may use
	Available int     `json:"available"` // Max - Reserved - Used
	Ratio     float64 `json:"ratio"`     // Used / (Max - Reserved), 0–1
	Note      string  `json:"note,omitempty"`
}

// Finding is something the inspection learned that is not a leak: an
// unreachable target, a missing privilege, a nearly full server.
type Finding struct {
	Severity resources.Severity `json:"severity"`
	Code     string             `json:"code"`
	Message  string             `json:"message"`
	Fix      string             `json:"fix,omitempty"`
}

// LeakCount returns the unresolved leaks of severity warning or above.
func (r *Result) LeakCount() int {
	n := 0
	for _, l := range r.Leaks {
		if !l.Resolved && l.Severity != resources.SeverityInfo {
			n++
		}
	}
	return n
}
