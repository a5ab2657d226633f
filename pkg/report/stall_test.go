package report

import (
	"strings"
	"testing"
	"time"
)

func TestStallRecommendation(t *testing.T) {
	tests := []struct {
		st  Stall
		ok  bool
		msg string
	}{
		{Stall{}, false, ""},
		{Stall{Abandoned: 1}, true, "1 operation still running when the run's drain ended (no operation timeout)"},
		{Stall{Abandoned: 12, Oldest: 1500 * time.Millisecond, OpTimeout: 30 * time.Second}, true,
			"12 operations still running when the run's drain ended, the oldest for 1.5s (operation timeout 30s)"},
	}
	for _, tt := range tests {
		rec, ok := StallRecommendation("redis", tt.st)
		if ok != tt.ok {
			t.Fatalf("%+v: ok = %v, want %v", tt.st, ok, tt.ok)
		}
		if !ok {
			continue
		}
		ev := rec.Evidence
		if rec.ID != RulePoolStalled || rec.Severity != SeverityCritical || rec.Subject != "redis" ||
			!strings.Contains(rec.Message, tt.msg) || ev["abandoned_operations"] != float64(tt.st.Abandoned) ||
			ev["oldest_age_ms"] != float64(tt.st.Oldest.Milliseconds()) || ev["op_timeout_ms"] != float64(tt.st.OpTimeout.Milliseconds()) {
			t.Errorf("%+v: %+v", tt.st, rec)
		}
	}
}

// Build turns a pool's abandoned operations into its stalled finding.
func TestBuildReportsStalledPool(t *testing.T) {
	in := healthyInput()
	in.Pools[0].Stall = Stall{Abandoned: 3, Oldest: 2 * time.Second, OpTimeout: 10 * time.Second}
	r := Build(in)
	if r.OverallHealth != HealthCritical || len(r.HealthReasons) == 0 ||
		!strings.Contains(r.HealthReasons[0], "pool "+in.Pools[0].Snapshot.Name+" stalled: 3 operations never ended") {
		t.Errorf("health %s %q: want critical, the stall first", r.OverallHealth, r.HealthReasons)
	}
	recs := r.Pools[in.Pools[0].Snapshot.Name].Recommendations
	found := false
	for _, r := range recs {
		found = found || r.ID == RulePoolStalled
	}
	if !found {
		t.Errorf("recommendations %+v: want %s", recs, RulePoolStalled)
	}
	in.Pools[0].Stall = Stall{}
	for _, r := range Build(in).Pools[in.Pools[0].Snapshot.Name].Recommendations {
		if r.ID == RulePoolStalled {
			t.Errorf("stalled finding without abandoned operations: %+v", r)
		}
	}
}
