package cache

// Stats is a consistent snapshot of a cache's counters and derived rates.
// Counters are cumulative since New (or the last Clear, which keeps them).
type Stats struct {
	Hits        uint64 `json:"hits"`
	Misses      uint64 `json:"misses"`
	Sets        uint64 `json:"sets"`        // Set calls that stored a new key
	Updates     uint64 `json:"updates"`     // Set calls that replaced a live key
	Deletes     uint64 `json:"deletes"`     // Delete calls that removed a key
	Evictions   uint64 `json:"evictions"`   // removed to respect MaxItems/MaxBytes
	Expirations uint64 `json:"expirations"` // removed because their TTL passed

	HitRate      float64 `json:"hit_rate"`      // hits / (hits + misses), 0 when no Get
	MissRate     float64 `json:"miss_rate"`     // misses / (hits + misses)
	EvictionRate float64 `json:"eviction_rate"` // evictions / (sets + updates), 0 when no Set
	AvgGetNs     float64 `json:"avg_access_ns"` // mean Get latency in nanoseconds

	Items    int   `json:"items"`
	Bytes    int64 `json:"memory_bytes"` // estimated
	MaxItems int   `json:"max_items"`
	MaxBytes int64 `json:"max_bytes"`

	ItemUtilization float64 `json:"item_utilization"` // Items / MaxItems
	ByteUtilization float64 `json:"byte_utilization"` // Bytes / MaxBytes
}
