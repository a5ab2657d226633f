package observe

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/report"
)

// observeWith observes sources over two readings on a fake clock, running
// between them, and builds the report.
func observeWith(t *testing.T, between func(), sources ...Source) *report.Report {
	t.Helper()
	clock := time.Unix(0, 0)
	res := Observe(context.Background(), sources, Options{
		Window: time.Second, Interval: time.Second,
		Now: func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error {
			between()
			clock = clock.Add(d)
			return nil
		},
	})
	var in report.Input
	res.Fill(&in)
	return report.Build(in)
}

// TestRedisNoTraffic: a Redis that served no command in the window is "no
// traffic", not "0.0 poor"; the same Redis serving only misses is scored
// (and is poor).
func TestRedisNoTraffic(t *testing.T) {
	rd := testenv.StartRedis(t)
	s, err := NewRedis("redis", rd.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	opt, err := redis.ParseURL(rd.URL)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opt)
	defer client.Close()

	quiet := observeWith(t, func() {}, s)
	if c := quiet.Caches["redis"]; c.Rating != report.RatingNoTraffic || !c.NoTraffic || c.EfficiencyScore != 0 {
		t.Errorf("quiet Redis: rating %q no_traffic %v score %g, want %q, true, 0", c.Rating, c.NoTraffic, c.EfficiencyScore, report.RatingNoTraffic)
	}
	if quiet.OverallHealth != report.HealthHealthy {
		t.Errorf("quiet Redis made the report %s: %v", quiet.OverallHealth, quiet.HealthReasons)
	}

	misses := observeWith(t, func() {
		for range 20 {
			if err := client.Get(context.Background(), "resync-observe-missing").Err(); err != redis.Nil {
				t.Errorf("GET: %v", err)
			}
		}
	}, s)
	c := misses.Caches["redis"]
	if c.NoTraffic || c.Rating == report.RatingNoTraffic || c.Metrics.Misses != 20 {
		t.Errorf("20 misses: rating %q no_traffic %v misses %d, want scored with 20 misses", c.Rating, c.NoTraffic, c.Metrics.Misses)
	}
}
