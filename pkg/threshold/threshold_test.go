package threshold

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		expr string
		want Threshold
	}{
		{"redis.p99<5ms", Threshold{Subject: "redis", Metric: "p99", Op: "<", Limit: 5}},
		{"redis.p99 < 5 ms", Threshold{Subject: "redis", Metric: "p99", Op: "<", Limit: 5}},
		{"redis.p99 < 5", Threshold{Subject: "redis", Metric: "p99", Op: "<", Limit: 5}},
		{"  http.max<=1.5s ", Threshold{Subject: "http", Metric: "max", Op: "<=", Limit: 1500}},
		{"db.p50<500us", Threshold{Subject: "db", Metric: "p50", Op: "<", Limit: 0.5}},
		{"db.p50<500µs", Threshold{Subject: "db", Metric: "p50", Op: "<", Limit: 0.5}},
		{"db.p95<250000ns", Threshold{Subject: "db", Metric: "p95", Op: "<", Limit: 0.25}},
		{"database.error_rate<1%", Threshold{Subject: "database", Metric: "error_rate", Op: "<", Limit: 0.01}},
		{"database.error_rate<0.01", Threshold{Subject: "database", Metric: "error_rate", Op: "<", Limit: 0.01}},
		{"*.throughput>1000", Threshold{Subject: "*", Metric: "throughput", Op: ">", Limit: 1000}},
		{"*.throughput>=1e3/s", Threshold{Subject: "*", Metric: "throughput", Op: ">=", Limit: 1000}},
		{"default.hit_rate>=80 %", Threshold{Subject: "default", Metric: "hit_rate", Op: ">=", Limit: 0.8}},
		{"default.eviction_rate==0", Threshold{Subject: "default", Metric: "eviction_rate", Op: "==", Limit: 0}},
		{"redis.acquire_p99<10ms", Threshold{Subject: "redis", Metric: "acquire_p99", Op: "<", Limit: 10}},
		{"redis.acquire_p95<1ms", Threshold{Subject: "redis", Metric: "acquire_p95", Op: "<", Limit: 1}},
		{"redis.utilization<90%", Threshold{Subject: "redis", Metric: "utilization", Op: "<", Limit: 0.9}},
		{"*.score>=70", Threshold{Subject: "*", Metric: "score", Op: ">=", Limit: 70}},
		{"api.v2.p99<1s", Threshold{Subject: "api.v2", Metric: "p99", Op: "<", Limit: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
			}
			tt.want.Expr = strings.TrimSpace(tt.expr)
			if got.Expr != tt.want.Expr || got.Subject != tt.want.Subject || got.Metric != tt.want.Metric ||
				got.Op != tt.want.Op || !near(got.Limit, tt.want.Limit) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.expr, got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		want []string // substrings of the message, which always names the expression
	}{
		{"redis.p999<5ms", []string{`unknown metric "p999" in threshold 'redis.p999<5ms'; metrics: p50, p95, p99, max,`, "score"}},
		{"redis.p99", []string{"no comparison in threshold 'redis.p99'; write SUBJECT.METRIC OP VALUE", "<="}},
		{"p99<5ms", []string{`"p99" has no subject`, "*.p99"}},
		{".p99<5ms", []string{`subject ""`}},
		{"re dis.p99<5ms", []string{`subject "re dis"`}},
		{"redis.p99=5ms", []string{`unknown operator "="`, "operators: < <= > >= =="}},
		{"redis.p99=<5ms", []string{`operator "=<"`}},
		{"redis.p99<<5ms", []string{`operator "<<"`}},
		{"redis.p99<5ms<6ms", []string{`operator`}},
		{"redis.p99!=5ms", []string{`operator "!="`}},
		{"redis.p99<", []string{"no value after the operator", "5ms"}},
		{"redis.p99<5 parsecs", []string{`value "5 parsecs" is not a duration in threshold 'redis.p99<5 parsecs'; p99 takes a latency`}},
		{"redis.p99<-5ms", []string{`value "-5ms" is not a duration`}},
		{"redis.p99<5 0ms", []string{`value "5 0ms" is not a duration`}},
		{"redis.p99<NaN", []string{`value "NaN"`}},
		{"redis.p99<Inf", []string{`value "Inf"`}},
		{"database.error_rate<5", []string{`value "5" is not a ratio from 0 to 1`, "1%"}},
		{"database.error_rate<101%", []string{`is not a percentage from 0 to 100`}},
		{"database.error_rate<5ms", []string{`value "5ms" is not a ratio`}},
		{"*.throughput>5ms", []string{`value "5ms" is not a rate`, "operations per second"}},
		{"*.throughput>-1", []string{`value "-1" is not a rate`}},
		{"*.throughput>0x10", []string{`value "0x10"`}},
		{"*.score>101", []string{`is not a score from 0 to 100`}},
		{"", []string{"no comparison"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want an error", tt.expr)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %T, want *Error", tt.expr, err)
			}
			msg := err.Error()
			for _, w := range append(tt.want, "in threshold '"+strings.TrimSpace(tt.expr)+"'") {
				if !strings.Contains(msg, w) {
					t.Errorf("Parse(%q) = %q, want it to contain %q", tt.expr, msg, w)
				}
			}
		})
	}
}

func TestParseAllNamesTheSource(t *testing.T) {
	if _, err := ParseAll([]string{"redis.p99<5ms", "*.nope>1"}, "--threshold"); err == nil ||
		err.Error() != `unknown metric "nope" in --threshold '*.nope>1'; metrics: `+strings.Join(MetricNames(), ", ") {
		t.Errorf("ParseAll error = %v", err)
	}
	ts, err := ParseAll([]string{"redis.p99<5ms", "*.score>1"}, "--threshold")
	if err != nil || len(ts) != 2 {
		t.Errorf("ParseAll = %v, %v; want two thresholds", ts, err)
	}
}

// FuzzParse checks that Parse never panics, that what it accepts has a
// known metric and operator and a finite, non-negative limit, and that the
// expression it keeps parses to the same threshold again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"redis.p99<5ms", "*.error_rate<1%", "*.throughput>1000", "a.b.score>=7",
		"x.p50==1.5s", "x.hit_rate>0.5", "x.p99<<1", "..<", "*.<=", "x.p99<1e309", "x.utilization<%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := Parse(s)
		if err != nil {
			if !strings.Contains(err.Error(), "threshold '") {
				t.Fatalf("Parse(%q) error %q does not name the expression", s, err)
			}
			return
		}
		if _, ok := lookup(th.Metric); !ok || th.Subject == "" || th.Limit < 0 || th.Limit != th.Limit {
			t.Fatalf("Parse(%q) = %+v", s, th)
		}
		again, err := Parse(th.Expr)
		if err != nil || again != th {
			t.Fatalf("Parse(%q) = %+v, reparsed %+v, %v", s, th, again, err)
		}
	})
}
