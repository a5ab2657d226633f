package threshold

import (
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	subjects := []Subject{
		{Name: "redis", Kind: KindPool, Values: map[string]float64{"p99": 4.2, "error_rate": 0, "throughput": 5000, "score": 90}},
		{Name: "database", Kind: KindPool, Values: map[string]float64{"error_rate": 0.02, "throughput": 800, "score": 60}},
		{Name: "http", Kind: KindPool, Down: "unreachable at the start"},
		{Name: "default", Kind: KindCache, Values: map[string]float64{"hit_rate": 0.85, "score": 75}},
	}
	type row struct {
		subject string
		value   string // Shown()
		ok      bool
	}
	tests := []struct {
		expr string
		want []row
	}{
		{"redis.p99<5ms", []row{{"redis", "4.2ms", true}}},
		{"redis.p99<4.2ms", []row{{"redis", "4.2ms", false}}},
		{"redis.p99<=4.2", []row{{"redis", "4.2ms", true}}},
		{"redis.p99>4ms", []row{{"redis", "4.2ms", true}}},
		{"redis.p99>=5ms", []row{{"redis", "4.2ms", false}}},
		{"redis.error_rate==0", []row{{"redis", "0%", true}}},
		{"database.error_rate<1%", []row{{"database", "2%", false}}},
		{"*.throughput>1000", []row{{"database", "800/s", false}, {"http", "http has no figures: unreachable at the start", false},
			{"redis", "5000/s", true}}},
		// a cache has no throughput, a pool has no hit rate: "*" skips them
		{"*.hit_rate>80%", []row{{"default", "85%", true}}},
		{"*.score>=60", []row{{"database", "60", true}, {"default", "75", true}, {"http", "http has no figures: unreachable at the start", false},
			{"redis", "90", true}}},
		// missing data never passes
		{"*.max<1s", []row{{"http", "http has no figures: unreachable at the start", false}}},
		{"*.eviction_rate<1%", []row{{"*", "no cache or pool in this run has the metric eviction_rate", false}}},
		{"database.p99<5ms", []row{{"database", "database has no p99 figure in this run", false}}},
		{"redsi.p99<5ms", []row{{"redsi", `no cache or pool named "redsi" in this run (names: database, default, http, redis)`, false}}},
		{"http.p99<5ms", []row{{"http", "http has no figures: unreachable at the start", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			th, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := Evaluate([]Threshold{th}, subjects)
			if len(got) != len(tt.want) {
				t.Fatalf("Evaluate(%q) = %+v, want %d results", tt.expr, got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Subject != w.subject || g.Shown() != w.value || g.OK != w.ok || g.Expr != tt.expr {
					t.Errorf("result %d = {%s %q ok=%v}, want {%s %q ok=%v}", i, g.Subject, g.Shown(), g.OK, w.subject, w.value, w.ok)
				}
				if (g.Value == nil) != (g.Reason != "") {
					t.Errorf("result %d: value %v with reason %q: exactly one must be set", i, g.Value, g.Reason)
				}
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	subjects := []Subject{{Name: "redis", Kind: KindPool, Values: map[string]float64{"p99": 7.25}}}
	ts, err := ParseAll([]string{"redis.p99<5ms", "redis.p99<10ms", "x.p99<1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	rs := Evaluate(ts, subjects)
	if n := len(Failed(rs)); n != 2 {
		t.Errorf("Failed = %d results, want 2", n)
	}
	want := `threshold failed: redis.p99<5ms (redis: 7.25ms); x.p99<1 (x: no cache or pool named "x" in this run (names: redis))`
	if got := Verdict(rs); got != want {
		t.Errorf("Verdict =\n%s\nwant\n%s", got, want)
	}
	if got := Verdict(rs[1:2]); got != "" {
		t.Errorf("Verdict of passing results = %q, want empty", got)
	}
	if got := Evaluate(nil, subjects); got == nil || len(got) != 0 {
		t.Errorf("Evaluate(nil) = %#v, want an empty, non-nil slice", got)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v    float64
		u    Unit
		want string
	}{
		{7.25, Millis, "7.25ms"}, {0.0005, Millis, "0.001ms"}, {5, Millis, "5ms"},
		{0.0123, Ratio, "1.23%"}, {1, Ratio, "100%"}, {1234.56, PerSec, "1234.6/s"}, {71.5, Score, "71.5"},
	}
	for _, tt := range tests {
		if got := Format(tt.v, tt.u); got != tt.want {
			t.Errorf("Format(%v, %v) = %q, want %q", tt.v, tt.u, got, tt.want)
		}
	}
	if !strings.HasSuffix(Format(3, Millis), "ms") {
		t.Error("no unit")
	}
}
