package sim_test

import (
	"context"
	"fmt"

	"github.com/resync-dev/resync/pkg/cache/sim"
)

// The exact LRU curve and Belady's optimum of a trace at a few capacities,
// and the capacity that reaches a target hit rate.
func ExampleRun() {
	keys, err := sim.Generate(sim.Workload{Dist: sim.DistZipf, Keys: 1000, Requests: 20000, ZipfS: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := sim.Run(context.Background(), sim.Config{Keys: keys, Capacities: []int{10, 100, 500}, TargetHitRate: 0.7})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range res.Points {
		fmt.Printf("%d items: LRU %.1f %%, optimal %.1f %%\n", p.Capacity, 100*p.HitRate, 100*p.OptimalHitRate)
	}
	fmt.Println("70 % needs", res.CapacityForTarget, "items")
	// Output:
	// 10 items: LRU 21.1 %, optimal 44.2 %
	// 100 items: LRU 56.9 %, optimal 74.8 %
	// 500 items: LRU 85.3 %, optimal 92.2 %
	// 70 % needs 214 items
}

// A SHARDS sample of the keys estimates the same curve in bounded memory;
// a sample that holds every key is exact.
func ExampleSampler() {
	keys, err := sim.Generate(sim.Workload{Dist: sim.DistZipf, Keys: 1000, Requests: 20000, ZipfS: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := sim.NewSampler(sim.SampleConfig{MaxKeys: 4096})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range keys {
		s.Add(k)
	}
	res := s.Result([]int{10, 100, 500}, 0.7)
	for i, p := range res.Points {
		fmt.Printf("%d items: LRU %.1f %% ± %.1f\n", p.Capacity, 100*p.HitRate, 100*res.StdErr[i])
	}
	// Output:
	// 10 items: LRU 21.1 % ± 0.0
	// 100 items: LRU 56.9 % ± 0.0
	// 500 items: LRU 85.3 % ± 0.0
}
