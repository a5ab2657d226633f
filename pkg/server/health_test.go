package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/report"
)

// detailedReport is critical for every cause report.Health knows, with a
// driver error that names the user, database and host:port.
func detailedReport() *report.Report {
	r := degradedReport()
	r.Targets[0].Reachable = false
	r.Targets[0].Error = "database (postgres://app:***@db.internal:5432/orders) is unreachable: failed to connect to `user=app database=orders`: 10.0.0.7:5432: connection refused"
	p := r.Pools["database"]
	p.Metrics.ErrorRate = 0.4
	p.EfficiencyScore, p.Rating = 30, "poor"
	p.Recommendations = append(p.Recommendations, report.Recommendation{
		ID: report.RulePoolExhausted, Severity: report.SeverityCritical, Subject: "database",
		Message: "pool exhausted at db.internal:5432 (user app)",
	})
	r.Pools["database"] = p
	c := r.Caches["default"]
	c.EfficiencyScore, c.Rating = 40, "fair"
	r.Caches["default"] = c
	r.Resources.PotentialLeaks = append(r.Resources.PotentialLeaks, report.Leak{Kind: "idle_in_transaction", Severity: report.SeverityCritical})
	r.OverallHealth, r.HealthReasons = report.Health(r)
	return r
}

// TestHealthIsGeneric: /health (no token) says the status and generic
// reasons only; the authenticated report keeps the detail.
func TestHealthIsGeneric(t *testing.T) {
	const token = "s3cret-token"
	s, _ := newTestServer(t, Options{Token: token}, detailedReport())
	auth := map[string]string{"Authorization": "Bearer " + token}
	tests := []struct {
		name     string
		path     string
		hdr      map[string]string
		want     []string
		mustNot  []string
		wantCode int
	}{
		{
			name: "public health", path: PathHealth, wantCode: http.StatusServiceUnavailable,
			want: []string{
				`"status": "critical"`,
				`"target database (postgres): unreachable"`,
				`"pool database: error rate above 5%"`,
				`"1 critical potential leak"`,
				`"cache default: score below 60"`,
				`"pool database: score below 60"`,
				`"database: critical ` + report.RulePoolExhausted + `"`,
			},
			mustNot: []string{"app", "orders", "db.internal", "5432", "10.0.0.7", "://", "user=", "exhausted at"},
		},
		{
			name: "authenticated report", path: PathReport, hdr: auth, wantCode: http.StatusOK,
			want:    []string{"user=app database=orders", "10.0.0.7:5432", "postgres://app:***@db.internal:5432/orders", "pool exhausted at db.internal:5432"},
			mustNot: []string{token},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.path, tt.hdr, "")
			body := rec.Body.String()
			if rec.Code != tt.wantCode {
				t.Fatalf("GET %s = %d, want %d: %s", tt.path, rec.Code, tt.wantCode, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %s:\n%s", tt.path, w, body)
				}
			}
			for _, n := range tt.mustNot {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: body shows %q:\n%s", tt.path, n, body)
				}
			}
		})
	}
}

func TestPublicReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"target redis (redis) is unreachable: dial tcp 10.0.0.1:6379: connection refused", "target redis (redis): unreachable"},
		{"target redis is unreachable", "target redis: unreachable"},
		{"pool database error rate 40.0% is above 5%", "pool database: error rate above 5%"},
		{"pool redis had an outage: no successful operation from second 3 to 6", "pool redis: outage (no successful operation for a while)"},
		{"cache default score 40.0 (fair) is below 60", "cache default: score below 60"},
		{"pool http2 score 12.0 (poor) is below 60", "pool http2: score below 60"},
		{"[warning] redis: Redis at 10.0.0.1:6379 said no", "redis: warning recommendation"},
		{"3 critical potential leaks (idle_in_transaction ×2, conn ×1)", "3 critical potential leaks"},
		{"1 potential leak (conn ×1)", "1 potential leak"},
		{"stall of postgres://u@h:5432/db for 12s", genericOther},
	}
	r := degradedReport()
	for _, tt := range tests {
		if got := publicReason(r, tt.in); got != tt.want {
			t.Errorf("publicReason(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
