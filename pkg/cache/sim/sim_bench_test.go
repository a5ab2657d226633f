package sim

import (
	"context"
	"testing"
)

// BenchmarkRun20Capacities: a 20-capacity curve over a 5-million-request
// zipf trace (the goal: under 10 s here).
func BenchmarkRun20Capacities(b *testing.B) {
	keys, err := Generate(Workload{Dist: DistZipf, Keys: 1_000_000, Requests: 5_000_000, ZipfS: 1.01, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	caps := SweepCapacities(1_000_000, 20)
	b.ResetTimer()
	for range b.N {
		if _, err := Run(context.Background(), Config{Keys: keys, Capacities: caps, TargetHitRate: 0.7}); err != nil {
			b.Fatal(err)
		}
	}
}
