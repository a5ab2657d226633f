package cache_test

import (
	"context"
	"fmt"

	"github.com/resync-dev/resync/pkg/cache"
)

// A cache in front of a slow lookup: GetOrLoad runs the loader once per key
// and Stats gives the figures resync's report scores.
func ExampleCache_GetOrLoad() {
	c, err := cache.New(cache.Options[int, string]{MaxItems: 100})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	loads := 0
	load := func(context.Context) (string, error) { loads++; return "alice", nil }
	for range 4 {
		name, err := c.GetOrLoad(context.Background(), 1, load)
		if err != nil {
			panic(err)
		}
		fmt.Println(name)
	}
	s := c.Stats()
	fmt.Printf("loads=%d hits=%d misses=%d hit_rate=%.2f\n", loads, s.Hits, s.Misses, s.HitRate)
	// Output:
	// alice
	// alice
	// alice
	// alice
	// loads=1 hits=3 misses=1 hit_rate=0.75
}
