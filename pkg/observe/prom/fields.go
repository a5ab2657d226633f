package prom

// Kind says whether an entity is a connection pool or a cache.
type Kind string

// The two kinds of entity an endpoint exposes.
const (
	KindPool  Kind = "pool"
	KindCache Kind = "cache"
)

// Field names: the canonical figures an entity carries, whatever exporter
// wrote them. Counters only grow while the process lives; gauges are levels.
const (
	// Pool gauges.
	Max          = "max"          // most connections the pool may open
	Min          = "min"          // connections kept open when idle
	Open         = "open"         // connections open (in use + idle)
	InUse        = "in_use"       // connections lent out
	Idle         = "idle"         // connections open and free
	Pending      = "pending"      // callers waiting for a connection now
	Constructing = "constructing" // connections being dialled
	// Pool counters.
	Acquires       = "acquires"        // successful acquires
	AcquireSeconds = "acquire_seconds" // total time spent acquiring
	Waits          = "waits"           // acquires that had to wait (pool empty)
	WaitSeconds    = "wait_seconds"    // total time spent waiting
	Timeouts       = "timeouts"        // acquires that timed out
	Cancels        = "cancels"         // acquires abandoned by the caller
	Created        = "created"         // connections opened
	Closed         = "closed"          // connections closed by the pool
	Usages         = "usages"          // connections returned after use
	UsageSeconds   = "usage_seconds"   // total time connections were held
	Operations     = "operations"      // operations run through the pool
	Errors         = "errors"          // errors the pool counted (dial, health check, operation)
	// Cache gauges.
	Size     = "size"      // entries held
	SizeMax  = "size_max"  // entry bound
	Bytes    = "bytes"     // bytes held
	BytesMax = "bytes_max" // byte bound
	// Cache counters (Hits/Misses also for go-redis pool lookups).
	Hits        = "hits"
	Misses      = "misses"
	Puts        = "puts"
	Evictions   = "evictions"
	Expirations = "expirations"
)

// counters lists the fields that are monotonic counters; every other field is
// a gauge. Delta subtracts counters and keeps the later gauge.
var counters = map[string]bool{
	Acquires: true, AcquireSeconds: true, Waits: true, WaitSeconds: true,
	Timeouts: true, Cancels: true, Created: true, Closed: true, Usages: true,
	UsageSeconds: true, Operations: true, Errors: true, Hits: true, Misses: true, Puts: true,
	Evictions: true, Expirations: true,
}

// IsCounter reports whether field is a monotonic counter.
func IsCounter(field string) bool { return counters[field] }
