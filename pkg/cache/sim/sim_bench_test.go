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

// BenchmarkSampler: SHARDS on a zipf trace of 1M requests over 200k keys,
// per request (ns/op is per request added).
func BenchmarkSampler(b *testing.B) {
	keys, err := Generate(Workload{Dist: DistZipf, Keys: 200_000, Requests: 1_000_000, ZipfS: 0.9, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, cfg := range []struct {
		name string
		cfg  SampleConfig
	}{{"keys=64k", SampleConfig{MaxKeys: 64 << 10}}, {"rate=0.01", SampleConfig{Rate: 0.01}}} {
		b.Run(cfg.name, func(b *testing.B) {
			var s *Sampler
			for i := 0; b.Loop(); i++ {
				if i%len(keys) == 0 {
					s, _ = NewSampler(cfg.cfg)
				}
				s.Add(keys[i%len(keys)])
			}
		})
	}
}
