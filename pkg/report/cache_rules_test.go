package report

import (
	"reflect"
	"testing"

	"github.com/resync-dev/resync/pkg/cache"
)

// baseCache is a healthy cache: no rule fires on it.
func baseCache() cache.Stats {
	return cache.Stats{
		Hits: 9000, Misses: 1000, HitRate: 0.9, MissRate: 0.1,
		Sets: 1000, Evictions: 10, EvictionRate: 0.01,
		Items: 5000, MaxItems: 10000, Bytes: 10 << 20, MaxBytes: 100 << 20, ByteUtilization: 0.1,
	}
}

func withHitRate(st *cache.Stats, r float64) {
	st.Hits, st.Misses = uint64(r*10000), uint64((1-r)*10000)
	st.HitRate, st.MissRate = r, 1-r
}

func TestCacheRecommendations(t *testing.T) {
	tests := []struct {
		name   string
		advice CacheAdvice
		mod    func(*cache.Stats)
		want   []brief
	}{
		{"healthy: nothing", CacheAdvice{}, func(*cache.Stats) {}, nil},

		// hit rate below target (70 % by default); below 50 % is a warning
		{"hit rate exactly 70 %: silent", CacheAdvice{}, func(s *cache.Stats) { withHitRate(s, 0.7) }, nil},
		{"hit rate 69 %, capacity known", CacheAdvice{CapacityForTarget: 25000}, func(s *cache.Stats) { withHitRate(s, 0.69) },
			[]brief{{RuleCacheLowHitRate, SeverityInfo, "ASYNC_CACHE_MAX_ITEMS=25000"}}},
		{"hit rate 50 %: still info", CacheAdvice{}, func(s *cache.Stats) { withHitRate(s, 0.5) },
			[]brief{{RuleCacheLowHitRate, SeverityInfo, "ASYNC_CACHE_MAX_ITEMS=20000"}}},
		{"hit rate 49 %: warning", CacheAdvice{}, func(s *cache.Stats) { withHitRate(s, 0.49) },
			[]brief{{RuleCacheLowHitRate, SeverityWarning, "ASYNC_CACHE_MAX_ITEMS=20000"}}},
		{"entries expire more than they are evicted: longer TTL", CacheAdvice{}, func(s *cache.Stats) {
			withHitRate(s, 0.6)
			s.Expirations = 500
		}, []brief{{RuleCacheLowHitRate, SeverityInfo, "ASYNC_CACHE_TTL=<longer>"}}},
		{"unbounded cache, capacity unknown", CacheAdvice{}, func(s *cache.Stats) {
			withHitRate(s, 0.6)
			s.MaxItems = 0
		}, []brief{{RuleCacheLowHitRate, SeverityInfo, "ASYNC_CACHE_TTL=<longer> or ASYNC_CACHE_MAX_ITEMS=<larger>"}}},
		{"custom target 95 %", CacheAdvice{TargetHitRate: 0.95}, func(*cache.Stats) {},
			[]brief{{RuleCacheLowHitRate, SeverityInfo, "ASYNC_CACHE_MAX_ITEMS=20000"}}},
		{"too few gets: silent", CacheAdvice{}, func(s *cache.Stats) {
			s.Hits, s.Misses, s.HitRate, s.MissRate = 10, 89, 10.0/99, 89.0/99
		}, nil},

		// eviction rate > 10 %
		{"eviction rate exactly 10 %: silent", CacheAdvice{}, func(s *cache.Stats) { s.EvictionRate = 0.1 }, nil},
		{"eviction rate 11 %: double capacity", CacheAdvice{}, func(s *cache.Stats) { s.EvictionRate = 0.11 },
			[]brief{{RuleCacheHighEviction, SeverityWarning, "ASYNC_CACHE_MAX_ITEMS=20000"}}},
		{"eviction rate high, curve asks for more", CacheAdvice{CapacityForTarget: 50000}, func(s *cache.Stats) { s.EvictionRate = 0.3 },
			[]brief{{RuleCacheHighEviction, SeverityWarning, "ASYNC_CACHE_MAX_ITEMS=50000"}}},

		// byte utilization > 80 %; warning from 95 %
		{"memory exactly 80 %: silent", CacheAdvice{}, func(s *cache.Stats) { s.ByteUtilization = 0.8 }, nil},
		{"memory 84 %: info", CacheAdvice{}, func(s *cache.Stats) { s.ByteUtilization = 0.84 },
			[]brief{{RuleCacheMemoryBound, SeverityInfo, "ASYNC_CACHE_MAX_MEMORY_MB=120"}}}, // 100 × 0.84 / 0.7
		{"memory 95 %: warning", CacheAdvice{}, func(s *cache.Stats) { s.ByteUtilization = 0.95 },
			[]brief{{RuleCacheMemoryBound, SeverityWarning, "ASYNC_CACHE_MAX_MEMORY_MB=136"}}},
		{"no byte bound: silent", CacheAdvice{}, func(s *cache.Stats) { s.ByteUtilization, s.MaxBytes = 0.99, 0 }, nil},

		{"all three, in rule order", CacheAdvice{CapacityForTarget: 30000}, func(s *cache.Stats) {
			withHitRate(s, 0.3)
			s.EvictionRate, s.ByteUtilization = 0.5, 0.99
		}, []brief{
			{RuleCacheLowHitRate, SeverityWarning, "ASYNC_CACHE_MAX_ITEMS=30000"},
			{RuleCacheHighEviction, SeverityWarning, "ASYNC_CACHE_MAX_ITEMS=30000"},
			{RuleCacheMemoryBound, SeverityWarning, "ASYNC_CACHE_MAX_MEMORY_MB=142"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := baseCache()
			tt.mod(&st)
			recs := CacheRecommendations("default", st, tt.advice)
			if recs == nil {
				t.Fatal("CacheRecommendations returned nil, want a non-nil slice")
			}
			want := tt.want
			if want == nil {
				want = []brief{}
			}
			if got := briefs(recs); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			for _, r := range recs {
				if r.Subject != "default" || r.Message == "" || len(r.Evidence) == 0 {
					t.Errorf("%s: subject %q, message %q, evidence %v: want all set", r.ID, r.Subject, r.Message, r.Evidence)
				}
			}
		})
	}
}

func TestCacheRecommendationsEvidence(t *testing.T) {
	st := baseCache()
	withHitRate(&st, 0.4)
	recs := CacheRecommendations("sessions", st, CacheAdvice{CapacityForTarget: 12345})
	if len(recs) != 1 {
		t.Fatalf("got %d recommendations, want 1", len(recs))
	}
	want := map[string]float64{
		"hit_rate": 0.4, "target_hit_rate": 0.7, "items": 5000, "max_items": 10000, "capacity_for_target": 12345,
	}
	if !reflect.DeepEqual(recs[0].Evidence, want) {
		t.Errorf("evidence = %v, want %v", recs[0].Evidence, want)
	}
}
