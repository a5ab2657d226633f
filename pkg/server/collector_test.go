package server

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/resync-dev/resync/pkg/pools"
)

// scrape fetches /metrics in the text format and parses it.
func scrape(t *testing.T, s *Server) map[string]*dto.MetricFamily {
	t.Helper()
	rec := do(t, s, http.MethodGet, PathMetrics, map[string]string{"Accept": "text/plain"}, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics = %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics Content-Type = %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample finds the metric of family name whose labels include want.
func sample(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("family %s missing", name)
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, lp := range m.GetLabel() {
			have[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	t.Fatalf("%s%v: no such series", name, want)
	return nil
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	return -1
}

func TestMetricsExposition(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	do(t, s, http.MethodGet, PathReport, nil, "") // one API request to count
	do(t, s, http.MethodGet, "/nope", nil, "")
	fams := scrape(t, s)

	types := map[string]dto.MetricType{
		"resync_pool_connections":             dto.MetricType_GAUGE,
		"resync_pool_connections_max":         dto.MetricType_GAUGE,
		"resync_pool_pending_requests":        dto.MetricType_GAUGE,
		"resync_pool_wait_seconds":            dto.MetricType_HISTOGRAM,
		"resync_pool_timeouts_total":          dto.MetricType_COUNTER,
		"resync_pool_errors_total":            dto.MetricType_COUNTER,
		"resync_pool_exhaustions_total":       dto.MetricType_COUNTER,
		"resync_pool_utilization_ratio":       dto.MetricType_GAUGE,
		"resync_cache_hits_total":             dto.MetricType_COUNTER,
		"resync_cache_misses_total":           dto.MetricType_COUNTER,
		"resync_cache_evictions_total":        dto.MetricType_COUNTER,
		"resync_cache_items":                  dto.MetricType_GAUGE,
		"resync_cache_memory_bytes":           dto.MetricType_GAUGE,
		"resync_resources_active":             dto.MetricType_GAUGE,
		"resync_resources_leaks":              dto.MetricType_GAUGE,
		"resync_health_status":                dto.MetricType_GAUGE,
		"resync_report_timestamp_seconds":     dto.MetricType_GAUGE,
		"resync_api_requests_total":           dto.MetricType_COUNTER,
		"resync_api_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"go_goroutines":                       dto.MetricType_GAUGE,
		"process_cpu_seconds_total":           dto.MetricType_COUNTER,
	}
	for name, typ := range types {
		f, ok := fams[name]
		if !ok {
			t.Errorf("family %s missing", name)
			continue
		}
		if f.GetType() != typ {
			t.Errorf("%s is %v, want %v", name, f.GetType(), typ)
		}
	}

	values := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"resync_pool_connections", map[string]string{"pool": "database", "state": "used"}, 12},
		{"resync_pool_connections", map[string]string{"pool": "database", "state": "idle"}, 8},
		{"resync_pool_connections", map[string]string{"pool": "redis", "state": "idle"}, 4},
		{"resync_pool_connections_max", map[string]string{"pool": "database"}, 100},
		{"resync_pool_connections_idle_min", map[string]string{"pool": "redis"}, 5},
		{"resync_pool_pending_requests", map[string]string{"pool": "database"}, 2},
		{"resync_pool_timeouts_total", map[string]string{"pool": "database"}, 1},
		{"resync_pool_errors_total", map[string]string{"pool": "database", "kind": "dial"}, 1},
		{"resync_pool_errors_total", map[string]string{"pool": "database", "kind": "operation"}, 2},
		{"resync_pool_errors_total", map[string]string{"pool": "database", "kind": "health_check"}, 0},
		{"resync_pool_connections_closed_total", map[string]string{"pool": "database", "reason": "idle"}, 1},
		{"resync_pool_utilization_ratio", map[string]string{"pool": "redis"}, 0.7},
		{"resync_pool_reachable", map[string]string{"pool": "redis"}, 1},
		{"resync_pool_efficiency_score", map[string]string{"pool": "database"}, 62},
		{"resync_pool_info", map[string]string{"pool": "database", "kind": "postgres", "target": "postgres://app:***@db:5432/app"}, 1},
		{"resync_cache_hits_total", map[string]string{"cache": "default"}, 8550},
		{"resync_cache_misses_total", map[string]string{"cache": "default"}, 1450},
		{"resync_cache_evictions_total", map[string]string{"cache": "default"}, 14},
		{"resync_cache_items", map[string]string{"cache": "default"}, 9120},
		{"resync_cache_memory_bytes", map[string]string{"cache": "default"}, 1183744},
		{"resync_cache_efficiency_score", map[string]string{"cache": "default"}, 82.3},
		{"resync_resources_active", nil, 45},
		{"resync_resources_created_total", map[string]string{"kind": "connection"}, 60},
		{"resync_resources_leaks", map[string]string{"severity": "warning"}, 1},
		{"resync_resources_leaks", map[string]string{"severity": "critical"}, 0},
		{"resync_health_status", map[string]string{"status": "degraded"}, 1},
		{"resync_health_status", map[string]string{"status": "healthy"}, 0},
		{"resync_health_status", map[string]string{"status": "critical"}, 0},
		{"resync_report_timestamp_seconds", nil, float64(fixedTime.Unix())},
		{"resync_api_requests_total", map[string]string{"path": PathReport, "code": "200"}, 1},
		{"resync_api_requests_total", map[string]string{"path": "other", "code": "404"}, 1},
	}
	for _, v := range values {
		if got := value(sample(t, fams, v.name, v.labels)); got != v.want {
			t.Errorf("%s%v = %v, want %v", v.name, v.labels, got, v.want)
		}
	}

	// The wait histogram is in seconds, with the snapshot's buckets, count
	// and sum.
	h := sample(t, fams, "resync_pool_wait_seconds", map[string]string{"pool": "database"}).GetHistogram()
	if h.GetSampleCount() != 5000 || !near(h.GetSampleSum(), 0.5) {
		t.Errorf("wait histogram count %d sum %v, want 5000 and 0.5", h.GetSampleCount(), h.GetSampleSum())
	}
	if got, want := len(h.GetBucket()), len(pools.DefaultWaitBuckets)+1; got != want {
		t.Errorf("wait histogram has %d buckets, want %d (the bounds and +Inf)", got, want)
	}
	le := map[float64]uint64{}
	for _, b := range h.GetBucket() {
		le[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	for bound, want := range map[float64]uint64{0.0001: 4100, 0.0005: 4800, 0.001: 4900, 0.005: 4985, 0.01: 4995, 0.025: 5000, 10: 5000, math.Inf(1): 5000} {
		if got, ok := le[bound]; !ok || got != want {
			t.Errorf("wait bucket le=%v = %d (present %v), want %d", bound, got, ok, want)
		}
	}
	// A pool without the distribution exports count and sum only (the
	// +Inf bucket is the count).
	h = sample(t, fams, "resync_pool_wait_seconds", map[string]string{"pool": "redis"}).GetHistogram()
	if b := h.GetBucket(); h.GetSampleCount() != 100 || h.GetSampleSum() != 0 || len(b) != 1 || !math.IsInf(b[0].GetUpperBound(), 1) {
		t.Errorf("redis wait histogram count %d sum %v buckets %v, want 100, 0, only +Inf",
			h.GetSampleCount(), h.GetSampleSum(), b)
	}
}

func near(a, b float64) bool {
	d := a - b
	return d < 1e-12 && d > -1e-12
}

// Metrics follow the published report, and none is exported before one.
func TestMetricsFollowPublish(t *testing.T) {
	s, _ := newTestServer(t, Options{}, nil)
	if _, ok := scrape(t, s)["resync_health_status"]; ok {
		t.Fatal("report metrics exported before any report")
	}
	if err := s.Publish(criticalReport()); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, s)
	if v := value(sample(t, fams, "resync_health_status", map[string]string{"status": "critical"})); v != 1 {
		t.Errorf("critical = %v", v)
	}
	if v := value(sample(t, fams, "resync_pool_reachable", map[string]string{"pool": "redis"})); v != 0 {
		t.Errorf("redis reachable = %v", v)
	}
}

// The registry is the server's own: the global default one is untouched,
// and two servers can coexist.
func TestOwnRegistry(t *testing.T) {
	a, _ := newTestServer(t, Options{}, degradedReport())
	b, _ := newTestServer(t, Options{}, degradedReport())
	if a.Registry() == b.Registry() {
		t.Fatal("servers share a registry")
	}
	if _, err := a.Registry().Gather(); err != nil {
		t.Fatalf("gather: %v", err)
	}
	global, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range global {
		if strings.HasPrefix(f.GetName(), "resync_") {
			t.Errorf("%s registered on the global registry", f.GetName())
		}
	}
}
