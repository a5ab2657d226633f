package pools

import (
	"math"
	"testing"
	"time"
)

func TestDurationsQuantiles(t *testing.T) {
	tests := []struct {
		name   string
		values []time.Duration
		want   Quantiles // in ms; compared within 1 % (two significant digits)
	}{
		{"empty", nil, Quantiles{}},
		{"one value", []time.Duration{3 * time.Millisecond}, Quantiles{P50: 3, P95: 3, P99: 3, Max: 3, Mean: 3}},
		{"sub-microsecond", []time.Duration{400 * time.Nanosecond}, Quantiles{Max: 0.0004, Mean: 0.0004}},
		{"1..1000 ms", func() []time.Duration {
			var v []time.Duration
			for i := 1; i <= 1000; i++ {
				v = append(v, time.Duration(i)*time.Millisecond)
			}
			return v
		}(), Quantiles{P50: 500, P95: 950, P99: 990, Max: 1000, Mean: 500.5}},
		{"beyond an hour is clamped but max and mean stay exact",
			[]time.Duration{2 * time.Hour}, Quantiles{P50: 3.6e6, P95: 3.6e6, P99: 3.6e6, Max: 7.2e6, Mean: 7.2e6}},
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.01*want+1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDurations()
			for _, v := range tt.values {
				d.record(int64(v))
			}
			q := d.freeze().quantiles()
			if !near(q.P50, tt.want.P50) || !near(q.P95, tt.want.P95) || !near(q.P99, tt.want.P99) ||
				!near(q.Max, tt.want.Max) || !near(q.Mean, tt.want.Mean) {
				t.Errorf("quantiles %+v, want %+v (±1 %%)", q, tt.want)
			}
		})
	}
}

func TestUtilizationIsTimeWeighted(t *testing.T) {
	// active: 0 during [0,10), 2 during [10,20), 1 during [20,40); max 4.
	u := utilization{}
	u.advance(10, 0)
	u.advance(20, 2)
	if got, want := u.mean(40, 1, 4), (2*10+1*20)/(40.0*4); math.Abs(got-want) > 1e-12 {
		t.Errorf("mean = %v, want %v", got, want)
	}
	// A timestamp read before the lock may arrive late: it adds nothing.
	u.advance(15, 1)
	if got := u.mean(40, 1, 4); math.Abs(got-0.25) > 1e-12 {
		t.Errorf("after an out-of-order timestamp: %v, want 0.25", got)
	}
	if got := (&utilization{}).mean(0, 0, 4); got != 0 {
		t.Errorf("empty span: %v", got)
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]string{
		"postgres://h/db": KindPostgres, "PostgreSQL://h/db": KindPostgres, "mysql://h/db": KindMySQL,
		"sqlite://x.db": KindSQLite, "sqlite::memory:": KindSQLite, "redis://h": KindRedis, "rediss://h": KindRedis,
		"http://h": KindHTTP, "HTTPS://h": KindHTTP,
	}
	for raw, want := range tests {
		if got, err := KindOf(raw); err != nil || got != want {
			t.Errorf("KindOf(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}
