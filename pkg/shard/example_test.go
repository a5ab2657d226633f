package shard_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/shard"
)

// --shard I/N splits a run's totals so the shards add up exactly: 32
// workers over 3 shards are 10, 11 and 11, each with its own offset.
func ExampleSegment() {
	var sum uint64
	for _, s := range []string{"1/3", "2/3", "3/3"} {
		seg, err := shard.Parse(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		part := seg.Part(32)
		sum += part
		fmt.Printf("shard %s: %d workers from worker %d\n", s, part, seg.Offset(32))
	}
	fmt.Println("in all:", sum)
	// Output:
	// shard 1/3: 10 workers from worker 0
	// shard 2/3: 11 workers from worker 10
	// shard 3/3: 11 workers from worker 21
	// in all: 32
}
