// Package resources tracks resources that resync (or a program using it)
// acquires — pool connections, files, anything with a release — and finds
// the ones held too long.
//
// It is the Go form of the spec's resource management
// (performance-guide.md, "Resource Management"):
//
//   - Tracker is the ResourcePool/ResourceManager: Register and Release
//     record every resource with its kind, owner label, creation time and,
//     when enabled, the caller's stack; Stats reports counts and lifetime
//     percentiles by kind; DetectLeaks lists every resource alive longer
//     than a threshold. A resource reported as leaked and released later is
//     reported once more as resolved (HikariCP's "unleaked"), so a slow
//     holder is told apart from a true leak.
//   - Scope is the context manager: acquire, run, always release (also on
//     panic and when the context is cancelled).
//   - Batch is the BatchResourceManager: several resources released together
//     in reverse order, with rollback when one acquisition fails.
//
// The server-side view (sessions idle in a transaction, old connections)
// lives in the subpackage inspect.
//
// The tracker is built for hot paths: Register and Release take one striped
// lock and no allocation (with stacks off), a record costs well under 100
// bytes, and a leak scan over a million records takes milliseconds. See
// bench/README.md, "Resource tracker".
package resources
