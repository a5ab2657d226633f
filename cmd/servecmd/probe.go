package servecmd

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/resync-dev/resync/pkg/workload"
)

// Probe workload settings. The probes use pkg/workload's open model:
// operations arrive at --probe-rate whether or not earlier ones finished,
// so a slow target shows as latency and dropped arrivals, never as a probe
// that quietly slows down.
const (
	// probeConcurrency is the most probe operations in flight per pool, so
	// a stalled target holds at most this many connections for probes.
	probeConcurrency = 4
	// probeTimeout bounds one probe operation.
	probeTimeout = 5 * time.Second
	// probeSegment: the workload runs in segments of this length, back to
	// back, so no run is unbounded and each segment's histograms are freed.
	probeSegment = time.Hour
)

// probeMetrics are the probes' own figures on /metrics. Unlike the pools'
// quantiles these are observed here, one operation at a time, so the
// latency is a real Prometheus histogram.
type probeMetrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

func newProbeMetrics() *probeMetrics {
	return &probeMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resync_probe_duration_seconds",
			Help:    "Latency of serve's probe operations that reached the target (cache misses), by pool.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"pool"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resync_probe_errors_total",
			Help: "Probe operations that failed, by pool.",
		}, []string{"pool"}),
	}
}

func (m *probeMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.duration, m.errors}
}

// instrument wraps a probe's operation to record its latency and errors.
func (m *probeMetrics) instrument(p Probe) workload.Op {
	obs := m.duration.WithLabelValues(p.Name)
	errs := m.errors.WithLabelValues(p.Name)
	return func(ctx context.Context) error {
		t0 := time.Now()
		err := p.Do(ctx)
		obs.Observe(time.Since(t0).Seconds())
		if err != nil {
			errs.Inc()
		}
		return err
	}
}

// probeConfig is what the probes need from the options and configuration.
type probeConfig struct {
	rate  float64
	cache workload.Cache // read through by database probes; nil for none
	keys  int
	dist  string
}

// startProbes runs one probe workload per pool until ctx ends and returns
// a function that waits for them to stop.
func startProbes(ctx context.Context, probes []Probe, pc probeConfig, m *probeMetrics, log *slog.Logger) (wait func()) {
	var wg sync.WaitGroup
	if pc.rate <= 0 {
		return wg.Wait
	}
	for i, p := range probes {
		o := workload.Options{
			Name:        p.Name,
			Op:          m.instrument(p),
			Concurrency: probeConcurrency,
			Rate:        pc.rate,
			Duration:    probeSegment,
			OpTimeout:   probeTimeout,
			Seed:        uint64(i + 1),
		}
		if pc.cache != nil && isDatabase(p.Kind) {
			o.Cache, o.Keys, o.KeyDist = pc.cache, pc.keys, workload.KeyDist{Kind: pc.dist}
		}
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := workload.Run(ctx, o); err != nil {
					log.Error("probe stopped", "pool", p.Name, "error", err)
					return
				}
			}
		})
	}
	return wg.Wait
}

func isDatabase(kind string) bool {
	switch kind {
	case "postgres", "mysql", "sqlite":
		return true
	}
	return false
}
