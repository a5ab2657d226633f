package monitor

import (
	"math"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
)

func TestUsageIsTimeWeighted(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name     string
		samples  []int // in-use at t0, t0+1s, t0+2s, …
		max      int
		util, pk float64
	}{
		{"idle", []int{0, 0, 0}, 10, 0, 0},
		{"constant half", []int{5, 5, 5}, 10, 0.5, 0.5},
		// trapezoids: (0+10)/2 + (10+10)/2 = 15 connection-seconds over 2 s × 10
		{"ramp to full", []int{0, 10, 10}, 10, 0.75, 1},
		// a long quiet second weighs as much as a busy one
		{"spike then idle", []int{0, 8, 0, 0, 0}, 8, 0.25, 1},
		{"no maximum", []int{3, 3}, 0, 0, 0},
		{"more than max is capped", []int{20, 20}, 10, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUsage(t0)
			var util, pk float64
			for i, n := range tt.samples {
				util, pk = u.add(t0.Add(time.Duration(i)*time.Second), n, tt.max)
			}
			if math.Abs(util-tt.util) > 1e-9 || math.Abs(pk-tt.pk) > 1e-9 {
				t.Errorf("utilization, peak = %v, %v; want %v, %v", util, pk, tt.util, tt.pk)
			}
		})
	}
}

func TestWaitsFromSums(t *testing.T) {
	var w waits
	steps := []struct {
		count uint64
		sum   time.Duration
		want  pools.Quantiles
	}{
		{0, 0, pools.Quantiles{}},
		// 4 waits of 10 ms on average in the interval
		{4, 40 * time.Millisecond, pools.Quantiles{P50: 10, P95: 10, P99: 10, Max: 10, Mean: 10}},
		// 1 more wait of 110 ms: interval mean 110, lifetime mean 30
		{5, 150 * time.Millisecond, pools.Quantiles{P50: 110, P95: 110, P99: 110, Max: 110, Mean: 30}},
		// nobody waited: the interval figures drop to 0, max and mean stay
		{5, 150 * time.Millisecond, pools.Quantiles{Max: 110, Mean: 30}},
	}
	for i, s := range steps {
		if got := w.add(s.count, s.sum); got != s.want {
			t.Errorf("step %d: %+v, want %+v", i, got, s.want)
		}
	}
}

func TestCounter32Wraps(t *testing.T) {
	var c counter32
	c.add(math.MaxUint32 - 1)
	if got := c.add(3); got != math.MaxUint32-1+5 {
		t.Errorf("after a wrap: %d, want %d", got, uint64(math.MaxUint32-1+5))
	}
}

func TestRenameSettings(t *testing.T) {
	tests := []struct {
		names settingNames
		in    string
		want  string
	}{
		{sqlSettings, "DB_POOL_MAX_SIZE=48", "db.SetMaxOpenConns(48)"},
		{sqlSettings, "DB_POOL_MIN_SIZE=4", "db.SetMaxIdleConns(4)"},
		{pgxSettings, "DB_POOL_MAX_SIZE=48", "pool_max_conns=48"},
		{pgxSettings, "DB_POOL_MIN_SIZE=2", "pool_min_conns=2"},
		{redisSettings, "REDIS_POOL_MAX_SIZE=48", "PoolSize: 48"},
		{redisSettings, "MIN_SIZE=3", "MinIdleConns: 3"},
		{pgxSettings, "check that the server is up; a slow server needs a larger DB_POOL_CONNECT_TIMEOUT",
			"check that the server is up; a slow server needs a larger connect_timeout"},
		{redisSettings, "a shorter REDIS_POOL_IDLE_TIMEOUT drops them sooner", "a shorter ConnMaxIdleTime drops them sooner"},
		{noSettings, "DB_POOL_MAX_SIZE=48", "DB_POOL_MAX_SIZE=48"},
		{sqlSettings, "check the server's logs", "check the server's logs"},
	}
	for _, tt := range tests {
		if got := tt.names.rename(tt.in); got != tt.want {
			t.Errorf("rename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
