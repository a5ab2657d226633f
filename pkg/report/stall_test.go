package report

import (
	"strings"
	"testing"
)

func TestStallRecommendation(t *testing.T) {
	tests := []struct {
		abandoned uint64
		ok        bool
		msg       string
	}{
		{0, false, ""},
		{1, true, "1 operation still running when the run's drain ended"},
		{12, true, "12 operations still running"},
	}
	for _, tt := range tests {
		rec, ok := StallRecommendation("redis", tt.abandoned)
		if ok != tt.ok {
			t.Fatalf("abandoned %d: ok = %v, want %v", tt.abandoned, ok, tt.ok)
		}
		if !ok {
			continue
		}
		if rec.ID != RulePoolStalled || rec.Severity != SeverityCritical || rec.Subject != "redis" ||
			!strings.Contains(rec.Message, tt.msg) || rec.Evidence["abandoned_operations"] != float64(tt.abandoned) {
			t.Errorf("abandoned %d: %+v", tt.abandoned, rec)
		}
	}
}

// Build turns a pool's abandoned operations into its stalled finding.
func TestBuildReportsStalledPool(t *testing.T) {
	in := healthyInput()
	in.Pools[0].Abandoned = 3
	recs := Build(in).Pools[in.Pools[0].Snapshot.Name].Recommendations
	found := false
	for _, r := range recs {
		found = found || r.ID == RulePoolStalled
	}
	if !found {
		t.Errorf("recommendations %+v: want %s", recs, RulePoolStalled)
	}
	in.Pools[0].Abandoned = 0
	for _, r := range Build(in).Pools[in.Pools[0].Snapshot.Name].Recommendations {
		if r.ID == RulePoolStalled {
			t.Errorf("stalled finding without abandoned operations: %+v", r)
		}
	}
}
