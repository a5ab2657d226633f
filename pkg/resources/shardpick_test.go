package resources

import "testing"

// TestStartShardStaysInRange: whatever GOMAXPROCS was when the tracker was
// made (and whatever it is now), Register's first shard is a valid one and
// every shard of a band can be picked.
func TestStartShardStaysInRange(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 7, numShards, 4 * numShards} {
		tr := New(Options{})
		tr.bands = uint32(min(max(procs, 1), numShards))
		tr.band = numShards / tr.bands
		seen := map[uint32]bool{}
		for range 10_000 {
			si := tr.startShard()
			if si >= numShards {
				t.Fatalf("GOMAXPROCS %d: shard %d out of range", procs, si)
			}
			seen[si] = true
		}
		// This goroutine stays on one P or moves: at least one band's worth.
		if len(seen) < int(tr.band) {
			t.Errorf("GOMAXPROCS %d: %d distinct shards picked, want at least a band of %d", procs, len(seen), tr.band)
		}
	}
}
