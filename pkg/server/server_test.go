package server

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/report"
)

func TestEndpointBodies(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	tests := []struct {
		path   string
		golden string
	}{
		{PathReport, "report.json"},
		{PathCacheMetrics, "cache_metrics.json"},
		{PathCacheRecommendations, "cache_recommendations.json"},
		{PathPoolsMetrics, "pools_metrics.json"},
		{PathPoolsRecommendations, "pools_recommendations.json"},
		{PathResourcesStats, "resources_stats.json"},
		{PathResourcesLeaks, "resources_leaks_default.json"},
		{PathResourcesLeaks + "?max_lifetime_seconds=60", "resources_leaks_60.json"},
		{PathHealth, "health_degraded.json"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.path, nil, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200; body %s", tt.path, rec.Code, rec.Body)
			}
			assertJSONHeaders(t, rec.Header())
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("GET %s: body is not JSON: %s", tt.path, rec.Body)
			}
			golden(t, tt.golden, rec.Body.Bytes())
		})
	}
}

func assertJSONHeaders(t *testing.T, h http.Header) {
	t.Helper()
	if got := h.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
}

// The report endpoint's body is exactly the report's JSON: decoding it
// gives back the published report.
func TestReportRoundTrip(t *testing.T) {
	want := degradedReport()
	s, _ := newTestServer(t, Options{}, want)
	rec := do(t, s, http.MethodGet, PathReport, nil, "")
	var got report.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.OverallHealth != want.OverallHealth || got.Resources.ActiveCount != 45 ||
		got.Pools["database"].Metrics.AcquireWaitMs != want.Pools["database"].Metrics.AcquireWaitMs ||
		!got.Timestamp.Equal(want.Timestamp) {
		t.Errorf("round trip lost data: %+v", got)
	}
	if lm := rec.Header().Get("Last-Modified"); lm != "Thu, 15 Jan 2026 10:30:00 GMT" {
		t.Errorf("Last-Modified = %q", lm)
	}
}

func TestHealthStatusCodes(t *testing.T) {
	tests := []struct {
		name   string
		health string
		code   int
	}{
		{"healthy", report.HealthHealthy, http.StatusOK},
		{"degraded", report.HealthDegraded, http.StatusOK},
		{"critical", report.HealthCritical, http.StatusServiceUnavailable},
		{"unknown fails safe", "", http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := degradedReport()
			r.OverallHealth = tt.health
			s, _ := newTestServer(t, Options{}, r)
			rec := do(t, s, http.MethodGet, PathHealth, nil, "")
			if rec.Code != tt.code {
				t.Fatalf("GET /health with %q = %d, want %d", tt.health, rec.Code, tt.code)
			}
			var h Health
			if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
				t.Fatal(err)
			}
			if h.Status != tt.health || len(h.Reasons) != 1 {
				t.Errorf("body = %+v", h)
			}
		})
	}
	s, _ := newTestServer(t, Options{}, criticalReport())
	golden(t, "health_critical.json", do(t, s, http.MethodGet, PathHealth, nil, "").Body.Bytes())
}

// Each Publish replaces what every endpoint answers.
func TestPublishReplaces(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	if code := do(t, s, http.MethodGet, PathHealth, nil, "").Code; code != http.StatusOK {
		t.Fatalf("degraded: %d", code)
	}
	if err := s.Publish(criticalReport()); err != nil {
		t.Fatal(err)
	}
	if code := do(t, s, http.MethodGet, PathHealth, nil, "").Code; code != http.StatusServiceUnavailable {
		t.Fatalf("after publishing a critical report: %d, want 503", code)
	}
}

func TestPublishRejectsUnencodable(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	bad := degradedReport()
	c := bad.Caches["default"]
	c.Metrics.HitRate = math.NaN()
	bad.Caches["default"] = c
	bad.OverallHealth = report.HealthCritical
	if err := s.Publish(bad); err == nil {
		t.Fatal("Publish accepted a NaN")
	}
	if err := s.Publish(nil); err == nil {
		t.Fatal("Publish accepted nil")
	}
	if code := do(t, s, http.MethodGet, PathHealth, nil, "").Code; code != http.StatusOK {
		t.Errorf("the previous report was not kept: /health = %d", code)
	}
}

func TestNoReportYet(t *testing.T) {
	s, _ := newTestServer(t, Options{}, nil)
	for _, p := range []string{PathReport, PathHealth, PathCacheMetrics, PathResourcesStats} {
		rec := do(t, s, http.MethodGet, p, nil, "")
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("GET %s before any report = %d (Retry-After %q), want 503 with Retry-After", p, rec.Code, rec.Header().Get("Retry-After"))
		}
		assertError(t, rec, "")
	}
	// /metrics still answers, with the Go and process metrics.
	if rec := do(t, s, http.MethodGet, PathMetrics, nil, ""); rec.Code != http.StatusOK {
		t.Errorf("/metrics before any report = %d", rec.Code)
	}
}

func TestNewRequiresLeaks(t *testing.T) {
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "Leaks") {
		t.Fatalf("New without Leaks: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	tests := []struct {
		name, method, target, body string
		hdr                        map[string]string
		code                       int
		param                      string // the parameter a 400 must name
		wantHdr                    [2]string
	}{
		{name: "POST", method: http.MethodPost, target: PathReport, code: 405, wantHdr: [2]string{"Allow", "GET, HEAD"}},
		{name: "PUT unknown path", method: http.MethodPut, target: "/nope", code: 405},
		{name: "DELETE", method: http.MethodDelete, target: PathHealth, code: 405},
		{name: "OPTIONS", method: http.MethodOptions, target: PathReport, code: 405},
		{name: "GET with body", method: http.MethodGet, target: PathReport, body: "{}", code: 413},
		{name: "unknown path", method: http.MethodGet, target: "/api/performance/nope", code: 404},
		{name: "root", method: http.MethodGet, target: "/", code: 404},
		{name: "trailing slash", method: http.MethodGet, target: PathReport + "/", code: 404},
		{name: "negative", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=-5", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "zero", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=0", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "non-numeric", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=1h", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "empty", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "NaN", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=NaN", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "Inf", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=%2BInf", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "too large", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=1e12", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "repeated", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=1&max_lifetime_seconds=2", code: 400, param: ParamMaxLifetimeSeconds},
		{name: "typo", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime=60", code: 400, param: "max_lifetime"},
		{name: "parameter on report", method: http.MethodGet, target: PathReport + "?pretty=1", code: 400, param: "pretty"},
		{name: "malformed query", method: http.MethodGet, target: PathResourcesLeaks + "?max_lifetime_seconds=%zz", code: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, tt.method, tt.target, tt.hdr, tt.body)
			if rec.Code != tt.code {
				t.Fatalf("%s %s = %d, want %d; body %s", tt.method, tt.target, rec.Code, tt.code, rec.Body)
			}
			assertJSONHeaders(t, rec.Header())
			eb := assertError(t, rec, tt.param)
			if tt.code == 400 && tt.param == ParamMaxLifetimeSeconds && !strings.Contains(eb.Error, ParamMaxLifetimeSeconds) {
				t.Errorf("error %q does not name the parameter", eb.Error)
			}
			if tt.wantHdr[0] != "" && rec.Header().Get(tt.wantHdr[0]) != tt.wantHdr[1] {
				t.Errorf("%s = %q, want %q", tt.wantHdr[0], rec.Header().Get(tt.wantHdr[0]), tt.wantHdr[1])
			}
		})
	}
}

func assertError(t *testing.T, rec interface{ Result() *http.Response }, param string) ErrorBody {
	t.Helper()
	var eb ErrorBody
	if err := json.NewDecoder(rec.Result().Body).Decode(&eb); err != nil {
		t.Fatalf("error body is not JSON: %v", err)
	}
	if eb.Error == "" {
		t.Error("error body has no message")
	}
	if eb.Parameter != param {
		t.Errorf("parameter = %q, want %q", eb.Parameter, param)
	}
	return eb
}

func TestHead(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	get := do(t, s, http.MethodGet, PathReport, nil, "")
	head := do(t, s, http.MethodHead, PathReport, nil, "")
	if head.Code != http.StatusOK {
		t.Fatalf("HEAD = %d", head.Code)
	}
	if cl := head.Header().Get("Content-Length"); cl != get.Header().Get("Content-Length") || cl == "" {
		t.Errorf("HEAD Content-Length %q, GET %q", cl, get.Header().Get("Content-Length"))
	}
}

func TestLeakThresholds(t *testing.T) {
	s, fl := newTestServer(t, Options{MaxLifetime: 30 * time.Minute}, degradedReport())
	for _, q := range []string{"", "?max_lifetime_seconds=3600", "?max_lifetime_seconds=0.5", "?max_lifetime_seconds=%203600%20"} {
		if rec := do(t, s, http.MethodGet, PathResourcesLeaks+q, nil, ""); rec.Code != http.StatusOK {
			t.Fatalf("GET leaks%s = %d: %s", q, rec.Code, rec.Body)
		}
	}
	want := []time.Duration{30 * time.Minute, time.Hour, 500 * time.Millisecond, time.Hour}
	got := fl.thresholds()
	if len(got) != len(want) {
		t.Fatalf("scans = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("scan %d threshold = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestLeakScanErrors(t *testing.T) {
	t.Run("failure is redacted", func(t *testing.T) {
		fl := &fakeLeaks{err: errString("inspect postgres://app:hunter2@db/app: connection refused")}
		s, _ := newTestServer(t, Options{Leaks: fl.scan}, degradedReport())
		rec := do(t, s, http.MethodGet, PathResourcesLeaks, nil, "")
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("code = %d", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "hunter2") {
			t.Errorf("password leaked: %s", rec.Body)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		fl := &fakeLeaks{block: true}
		s, _ := newTestServer(t, Options{Leaks: fl.scan, LeakTimeout: time.Millisecond}, degradedReport())
		rec := do(t, s, http.MethodGet, PathResourcesLeaks, nil, "")
		if rec.Code != http.StatusGatewayTimeout {
			t.Fatalf("code = %d: %s", rec.Code, rec.Body)
		}
		assertError(t, rec, "")
	})
}

type errString string

func (e errString) Error() string { return string(e) }

// A target the scan could not inspect is named in the body, with its
// reason, redacted: its leaks are unknown, not absent.
func TestLeaksNameTargetsNotInspected(t *testing.T) {
	fl := &fakeLeaks{missed: []report.NotInspected{{
		Name: "redis", Kind: "redis", URL: "redis://:hunter2@cache:6379/0",
		Reason: "dial redis://:hunter2@cache:6379/0: connection refused",
	}}}
	s, _ := newTestServer(t, Options{Leaks: fl.scan}, degradedReport())
	rec := do(t, s, http.MethodGet, PathResourcesLeaks+"?max_lifetime_seconds=60", nil, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("code = %d: %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "hunter2") {
		t.Errorf("password leaked: %s", rec.Body)
	}
	var body LeaksBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	want := report.NotInspected{Name: "redis", Kind: "redis", URL: "redis://:***@cache:6379/0",
		Reason: "dial redis://:***@cache:6379/0: connection refused"}
	if len(body.NotInspected) != 1 || body.NotInspected[0] != want {
		t.Errorf("not_inspected = %+v, want [%+v]", body.NotInspected, want)
	}
	if strings.Join(body.InspectedTargets, ",") != "database" {
		t.Errorf("inspected_targets = %v, want [database]", body.InspectedTargets)
	}
}
