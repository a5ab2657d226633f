package cmd

import (
	"bytes"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/shard"
)

// shardResultFixture is shard i of 2 of a run against the embedded
// targets, as --result-out writes it, for the "resync report merge s1.json
// s2.json" examples (each example runs in a fresh directory, without the
// files the examples before it wrote).
func shardResultFixture(i int) func() []byte {
	return func() []byte {
		in := report.Input{Now: time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC), Duration: 2 * time.Second, Embedded: true}
		dists := map[string]pools.Distributions{}
		for _, t := range []struct{ name, kind, url string }{
			{"database", "sqlite", "sqlite:///tmp/resync-embedded/resync.db"},
			{"redis", "redis", "redis://127.0.0.1:6379/0"},
		} {
			in.Targets = append(in.Targets, report.Target{Name: t.name, Kind: t.kind, URL: t.url, Reachable: true})
			in.Pools = append(in.Pools, report.PoolInput{Snapshot: pools.Snapshot{
				Name: t.name, Kind: t.kind, Target: t.url, MinSize: 1, MaxSize: 4, AcquireCount: 100, Operations: 100,
				Utilization: 0.7, PeakUtilization: 0.75, Uptime: 2 * time.Second, Reachable: true,
			}})
			dists[t.name] = pools.Distributions{AcquireWait: pools.NewDistribution(), Hold: pools.NewDistribution(), Connect: pools.NewDistribution()}
		}
		f, err := shard.New(shard.Run{Command: "report", Shard: shard.Segment{Index: i, Count: 2}, Input: in, Distributions: dists})
		if err != nil {
			panic(err)
		}
		var b bytes.Buffer
		if err := output.EncodeJSON(&b, f); err != nil {
			panic(err)
		}
		return b.Bytes()
	}
}
