package prom

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func decodeFile(t *testing.T, name string) *Snapshot {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Decode(f, http.Header{"Content-Type": {"text/plain; version=0.0.4; charset=utf-8"}})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func TestDecodeRecorded(t *testing.T) {
	tests := []struct {
		file    string
		key     string
		want    map[string]float64
		ignored []string
	}{
		{"hikaricp.prom", "pool/hikaricp/HikariPool-1", map[string]float64{
			Open: 10, InUse: 7, Idle: 3, Pending: 2, Max: 10, Min: 10, Timeouts: 3,
			Acquires: 1520, AcquireSeconds: 0.912, Usages: 1518, UsageSeconds: 30.4, Created: 12,
		}, []string{"hikaricp_connections_acquire_seconds_max", "jvm_threads_live_threads"}},
		{"sql.prom", "pool/sql/orders", map[string]float64{
			Max: 8, Open: 6, InUse: 4, Idle: 2, Waits: 40, WaitSeconds: 1.5, Closed: 8,
		}, []string{"go_goroutines"}},
		{"pgxpool.prom", "pool/pgxpool/database=inventory", map[string]float64{
			Acquires: 900, AcquireSeconds: 0.45, InUse: 3, Cancels: 1, Constructing: 0,
			Waits: 25, Idle: 1, Max: 4, Open: 4,
		}, nil},
		{"goredis.prom", "pool/go-redis/shop_cache", map[string]float64{
			Hits: 9800, Misses: 200, Timeouts: 4, Open: 8, Idle: 5, Closed: 2,
		}, nil},
		{"micrometer_cache.prom", "cache/micrometer/products{cacheManager=cacheManager,name=products}",
			map[string]float64{Hits: 750, Misses: 250, Puts: 250, Evictions: 50, Size: 200},
			[]string{"cache_eviction_weight_total"}},
		{"resync.prom", "pool/resync/redis", map[string]float64{
			InUse: 8, Idle: 12, Max: 20, Pending: 0, Waits: 100, WaitSeconds: 0.25, Closed: 4, Timeouts: 0, Errors: 3,
		}, nil},
		{"resync.prom", "cache/resync/probe", map[string]float64{
			Hits: 90, Misses: 10, Size: 40, SizeMax: 1000,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.key, func(t *testing.T) {
			s := decodeFile(t, tt.file)
			var e *Entity
			var keys []string
			for _, x := range s.Entities {
				keys = append(keys, x.Key())
				if x.Key() == tt.key {
					e = x
				}
			}
			if e == nil {
				t.Fatalf("no entity %q; have %q", tt.key, keys)
			}
			if len(e.Values) != len(tt.want) {
				t.Errorf("values = %v, want %v", e.Values, tt.want)
			}
			for k, v := range tt.want {
				got, ok := e.Values[k]
				if !ok || abs(got-v) > 1e-9 {
					t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
				}
			}
			if tt.ignored != nil && strings.Join(s.Ignored, " ") != strings.Join(tt.ignored, " ") {
				t.Errorf("ignored = %q, want %q", s.Ignored, tt.ignored)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestDecodeNotPrometheus(t *testing.T) {
	tests := []struct {
		name, ct, body, want string
	}{
		{"html", "text/html; charset=utf-8", "<html><body>login</body></html>", `content type "text/html; charset=utf-8"`},
		{"json", "application/json", `{"status":"ok"}`, "content type"},
		{"garbage text", "text/plain", "<html>\n<body>\n", "text format parsing error"},
		{"empty", "text/plain; version=0.0.4", "", "no metric family"},
		{"bad proto", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", "\xff\xff\xff\xff", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.body), http.Header{"Content-Type": {tt.ct}})
			if !IsNotPrometheus(err) {
				t.Fatalf("err = %v, want ErrNotPrometheus", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDelta(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pool := func(vals map[string]float64) *Entity {
		return &Entity{Kind: KindPool, Exporter: ExporterSQL, Name: "orders", Values: vals}
	}
	before := &Snapshot{At: t0, Entities: []*Entity{pool(map[string]float64{Waits: 10, Closed: 5, InUse: 1, Max: 8})}}
	after := &Snapshot{At: t0.Add(10 * time.Second), Entities: []*Entity{
		pool(map[string]float64{Waits: 25, Closed: 2, InUse: 6, Max: 8}),
		{Kind: KindCache, Exporter: ExporterMicrometer, Name: "new", Values: map[string]float64{Hits: 3}},
	}}
	got := Delta(before, after)
	if len(got) != 2 {
		t.Fatalf("got %d changes, want 2", len(got))
	}
	c, n := got[1], got[0]
	if c.Name != "orders" || n.Name != "new" {
		t.Fatalf("order: %q, %q", got[0].Name, got[1].Name)
	}
	if c.Window != 10*time.Second {
		t.Errorf("window = %v", c.Window)
	}
	if c.Deltas[Waits] != 15 {
		t.Errorf("waits delta = %v, want 15", c.Deltas[Waits])
	}
	if c.Deltas[Closed] != 2 || len(c.Reset) != 1 || c.Reset[0] != Closed {
		t.Errorf("closed went 5 → 2: delta %v reset %v, want 2 and [closed]", c.Deltas[Closed], c.Reset)
	}
	if _, ok := c.Deltas[InUse]; ok {
		t.Error("a gauge got a delta")
	}
	if u, ok := c.Utilization(); !ok || u != 0.75 {
		t.Errorf("utilization = %v %v, want 0.75", u, ok)
	}
	if !n.New || len(n.Deltas) != 0 {
		t.Errorf("new entity: %+v", n)
	}
}

func TestRatio(t *testing.T) {
	c := Change{Deltas: map[string]float64{Hits: 75, Misses: 25}}
	if r, ok := c.Ratio(Hits, Misses); !ok || r != 0.75 {
		t.Errorf("hit rate = %v %v", r, ok)
	}
	c = Change{Deltas: map[string]float64{Hits: 0, Misses: 0}}
	if _, ok := c.Ratio(Hits, Misses); ok {
		t.Error("no lookups gave a hit rate")
	}
}
