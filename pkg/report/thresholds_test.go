package report

import (
	"math"
	"slices"
	"testing"
)

func TestThresholdsCheck(t *testing.T) {
	rep := &Report{
		OverallHealth: HealthDegraded,
		Caches:        map[string]CacheEntry{"default": {EfficiencyScore: 72.5}},
		Pools: map[string]PoolEntry{
			"redis":    {EfficiencyScore: 40},
			"database": {EfficiencyScore: 90},
		},
	}
	tests := []struct {
		name string
		th   Thresholds
		want []string
	}{
		{"zero value enforces nothing", Thresholds{}, nil},
		{"fail-on critical passes a degraded report", Thresholds{FailOn: HealthCritical}, nil},
		{"fail-on degraded", Thresholds{FailOn: HealthDegraded}, []string{"overall health is degraded (--fail-on degraded)"}},
		{"score under every figure", Thresholds{FailUnderScore: 30}, nil},
		{"score equal is not under", Thresholds{FailUnderScore: 40}, nil},
		{"score: caches then pools, by name", Thresholds{FailUnderScore: 95}, []string{
			"cache default scores 72.5 < 95 (--fail-under-score)",
			"pool database scores 90.0 < 95 (--fail-under-score)",
			"pool redis scores 40.0 < 95 (--fail-under-score)",
		}},
		{"both: health first", Thresholds{FailOn: HealthDegraded, FailUnderScore: 50}, []string{
			"overall health is degraded (--fail-on degraded)",
			"pool redis scores 40.0 < 50 (--fail-under-score)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.th.Check(rep); !slices.Equal(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestThresholdsCheckHealth(t *testing.T) {
	for _, health := range []string{HealthHealthy, HealthDegraded, HealthCritical} {
		for _, failOn := range []string{HealthDegraded, HealthCritical} {
			got := len(Thresholds{FailOn: failOn}.Check(&Report{OverallHealth: health})) > 0
			want := healthRank[health] >= healthRank[failOn]
			if got != want {
				t.Errorf("health %s, --fail-on %s: fails = %v, want %v", health, failOn, got, want)
			}
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		th      Thresholds
		wantErr string
	}{
		{Thresholds{}, ""},
		{Thresholds{FailOn: HealthCritical, FailUnderScore: 100}, ""},
		{Thresholds{FailOn: "healthy"}, `--fail-on "healthy" is not a health level: use none, degraded or critical`},
		{Thresholds{FailOn: "bad"}, `--fail-on "bad" is not a health level: use none, degraded or critical`},
		{Thresholds{FailUnderScore: -1}, "--fail-under-score -1 is out of range: give a score from 0 to 100"},
		{Thresholds{FailUnderScore: 101}, "--fail-under-score 101 is out of range: give a score from 0 to 100"},
		// NaN compares false with every score: it would turn the gate off.
		{Thresholds{FailUnderScore: math.NaN()}, "--fail-under-score NaN is out of range: give a score from 0 to 100"},
		{Thresholds{FailUnderScore: math.Inf(1)}, "--fail-under-score +Inf is out of range: give a score from 0 to 100"},
		{Thresholds{FailUnderScore: math.Inf(-1)}, "--fail-under-score -Inf is out of range: give a score from 0 to 100"},
	}
	for _, tt := range tests {
		err := tt.th.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.wantErr {
			t.Errorf("%+v: Validate = %q, want %q", tt.th, got, tt.wantErr)
		}
	}
}
