package server

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// apiMetrics instrument the API itself. The path label takes only the
// served paths and "other", so a scan of random URLs cannot blow up the
// series count.
type apiMetrics struct {
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
}

func newAPIMetrics() *apiMetrics {
	return &apiMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resync_api_requests_total",
			Help: "HTTP requests answered by resync serve, by path and status code.",
		}, []string{"path", "code"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resync_api_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by path.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"path"}),
	}
}

func (m *apiMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.requests, m.durations}
}

// start begins timing a request and returns the function that records it.
func (m *apiMetrics) start(rt *route) func(code int) {
	path := unknownRouteLabel
	if rt != nil {
		path = rt.path
	}
	t0 := time.Now()
	return func(code int) {
		m.durations.WithLabelValues(path).Observe(time.Since(t0).Seconds())
		m.requests.WithLabelValues(path, strconv.Itoa(code)).Inc()
	}
}
