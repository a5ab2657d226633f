package poolscmd

import (
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/workload"
)

// buildStats turns the run into a pools-only report; scoring and
// recommendations are pkg/report's.
func buildStats(o *StatsOptions, runs []*statsRun, in report.Input) *report.PoolStats {
	out := &report.PoolStats{Workload: map[string]*workload.Result{}, Concurrency: o.Concurrency, Rate: o.Rate, Warmup: o.Warmup}
	for _, r := range runs {
		if r.result != nil {
			out.Workload[r.t.Name] = r.result
		}
	}
	out.Report = report.Build(in)
	return out
}

// statsInput is the report input of the run: every target, and the pools
// (with their caches) that ran, snapshotted once so that the report and
// the --result-out file agree.
func statsInput(o *StatsOptions, runs []*statsRun, started time.Time) report.Input {
	in := report.Input{Now: started, Embedded: o.Embedded}
	for _, r := range runs {
		tg := report.Target{Name: r.t.Name, Kind: string(r.t.Kind), URL: r.t.URL, Reachable: r.err == nil}
		if r.err != nil {
			tg.Error = r.err.Error()
		}
		if r.failed != nil {
			tg.Error = r.failed.Error()
		}
		in.Targets = append(in.Targets, tg)
		if r.result == nil {
			continue
		}
		res := r.result
		if res.OpTimeout == 0 && o.OpTimeout > 0 {
			// the pool, not the workload, bounds each operation (runWorkloads)
			res.OpTimeout, res.OpTimeoutMs = o.OpTimeout, float64(o.OpTimeout.Microseconds())/1e3
		}
		// Behind a cache the pool sees only the misses: its throughput and
		// latency are its own, not the workload's (which count cache hits).
		pin := report.PoolInput{Snapshot: r.runner.Snapshot(), Throughput: res.PoolThroughput(), Series: res.Series,
			Stall: report.StallOf(res), Workers: res.Concurrency}
		if res.Cache == nil {
			pin.LatencyMs = &pools.Quantiles{P50: res.Latency.P50, P95: res.Latency.P95, P99: res.Latency.P99,
				Max: res.Latency.Max, Mean: res.Latency.Mean}
			pin.LatencyHistogram = res.LatencyHistogram
		}
		in.Pools = append(in.Pools, pin)
		in.Duration = max(in.Duration, res.Elapsed)
		in.Partial = in.Partial || res.Partial
		if r.cache != nil {
			in.Caches = append(in.Caches, report.CacheInput{Name: r.t.Name, Stats: r.cache.Stats()})
		}
	}
	return in
}
