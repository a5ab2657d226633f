package report

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/threshold"
)

// TestReportThresholds evaluates thresholds on built reports: each metric
// reads its report field, and missing data fails.
func TestReportThresholds(t *testing.T) {
	degraded := Build(degradedInput())
	in := degradedInput()
	in.Targets[1].Reachable, in.Targets[1].Error = false, "dial tcp 127.0.0.1:41234: connect: connection refused"
	in.Pools[1].Snapshot.Reachable = false
	unreachable := Build(in)
	in = degradedInput()
	in.Pools[0].Observed = &Observed{Source: SourcePostgres, Missing: []string{MetricErrorRate}}
	observed := Build(in)
	in = degradedInput()
	in.Pools[0].Snapshot.Name = "database/main"
	observedNames := Build(in)
	type row struct {
		subject, value string
		ok             bool
	}
	tests := []struct {
		name string
		rep  *Report
		expr string
		want []row
	}{
		{"latency from latency_ms", degraded, "database.p99<100ms", []row{{"database", "90.3ms", true}}},
		{"p50", degraded, "database.p50<=0.41", []row{{"database", "0.41ms", true}}},
		{"max", degraded, "database.max<100ms", []row{{"database", "142.7ms", false}}},
		{"acquire wait", degraded, "http.acquire_p99<200ms", []row{{"http", "210ms", false}}},
		{"acquire p95", degraded, "database.acquire_p95<40ms", []row{{"database", "35.2ms", true}}},
		{"utilization", degraded, "redis.utilization<10%", []row{{"redis", "5%", true}}},
		{"throughput", degraded, "database.throughput>2000", []row{{"database", "2150.6/s", true}}},
		{"cache hit rate", degraded, "default.hit_rate>=80%", []row{{"default", "62%", false}}},
		{"cache eviction rate", degraded, "default.eviction_rate<30%", []row{{"default", "28.12%", true}}},
		{"cache utilization is the fuller of items and bytes", degraded, "default.utilization<100%", []row{{"default", "100%", false}}},
		{"pools without latency are skipped by *", degraded, "*.p99<1s", []row{{"database", "90.3ms", true}}},
		{"named pool without latency fails", degraded, "redis.p99<1s", []row{{"redis", "redis has no p99 figure in this run", false}}},
		{"score of caches and pools", degraded, "*.score>=0", []row{{"database", "", true}, {"default", "", true}, {"http", "", true}, {"redis", "", true}}},
		{"unknown subject", degraded, "redsi.p99<5ms", []row{{"redsi", `no cache or pool named "redsi" in this run (names: database, default, http, redis)`, false}}},
		{"unreachable pool fails under *", unreachable, "*.error_rate<100%", []row{{"database", "", true}, {"http", "", true},
			{"redis", "redis has no figures: unreachable: dial tcp 127.0.0.1:41234: connect: connection refused", false}}},
		{"a metric the source cannot give is absent", observed, "database.error_rate<1%", []row{{"database", "database has no error_rate figure in this run", false}}},
		{"observed pools have no latency", observed, "database.p99<1s", []row{{"database", "database has no p99 figure in this run", false}}},
		{"observed pools have no throughput", observed, "*.throughput>=0", []row{{"http", "", true}, {"redis", "", true}}},
		{"observed acquire wait is the peak", observed, "database.acquire_p99<=140ms", []row{{"database", "140ms", true}}},
		{"an observe entry named target/name belongs to its target", observedNames, "*.score>=0",
			[]row{{"database/main", "", true}, {"default", "", true}, {"http", "", true}, {"redis", "", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th, err := threshold.Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			rep := *tt.rep
			got := rep.CheckThresholds([]threshold.Threshold{th})
			if len(got) != len(tt.want) {
				t.Fatalf("%s: %d results %+v, want %d", tt.expr, len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Subject != w.subject || g.OK != w.ok || (w.value != "" && g.Shown() != w.value) {
					t.Errorf("%s result %d = {%s %q ok=%v}, want {%s %q ok=%v}", tt.expr, i, g.Subject, g.Shown(), g.OK, w.subject, w.value, w.ok)
				}
			}
		})
	}
}

// TestReportThresholdsOutput: the checks appear in every format and the
// JSON still matches the schema; without thresholds the field is absent.
func TestReportThresholdsOutput(t *testing.T) {
	sch := compileSchema(t, SchemaReport)
	rep := Build(degradedInput())
	if out := render(t, output.Options{Format: output.JSON}, rep); strings.Contains(string(out), `"thresholds"`) {
		t.Error("a report without --threshold has a thresholds field")
	}
	ts, err := threshold.ParseAll([]string{"database.p99<50ms", "*.hit_rate>90%", "nope.score>1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	rep.CheckThresholds(ts)
	js := render(t, output.Options{Format: output.JSON}, rep)
	if err := validate(t, sch, js); err != nil {
		t.Errorf("report with thresholds does not match the schema: %v", err)
	}
	for _, want := range []string{`"expr": "database.p99<50ms"`, `"value": 90.3`, `"ok": false`, `"value": null`, `"kind": "cache"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	for _, f := range []output.Format{output.Text, output.Markdown, output.HTML} {
		out := string(render(t, output.Options{Format: f, Width: 80}, rep))
		for _, want := range []string{"Thresholds", "database.p99&lt;50ms|database.p99<50ms", "FAILED", "90.3ms"} {
			if !containsAny(out, strings.Split(want, "|")) {
				t.Errorf("%s output lacks %q", f, want)
			}
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestSizingThresholds: recommend's figures are those of the step at the
// recommended max, acquire_p99 from the wait check at that size.
func TestSizingThresholds(t *testing.T) {
	s := sizingFixture()
	// the fixture recommends max 12 (capped), never measured: the largest
	// measured size under it is 3 (4 failed, 5 was refused)
	if got := s.CheckThresholds(mustThresholds("database.throughput>1")); !got[0].OK || got[0].Shown() != "1900/s" {
		t.Errorf("capped max: %+v", got)
	}
	s.Pools["database"].Recommendation.Max = 0
	if got := s.CheckThresholds(mustThresholds("database.throughput>1")); got[0].OK ||
		got[0].Reason != "database has no figures: no size up to the recommended max 0 was measured" {
		t.Errorf("no measured size: %+v", got)
	}
	s.Pools["database"].Recommendation.Max = 3
	got := s.CheckThresholds(mustThresholds("database.throughput>=1900", "database.p99<20ms", "database.acquire_p99<50ms",
		"*.error_rate<1%", "database.score>1"))
	want := []struct {
		subject, value string
		ok             bool
	}{
		{"database", "1900/s", true}, {"database", "15ms", true}, {"database", "61ms", false}, // the check's, not the step's 12
		{"database", "0%", true}, {"http", "http has no figures: unreachable: dial tcp: connection refused", false},
		{"redis", "redis has no figures: no recommendation (no step completed)", false},
		{"database", "database has no score figure in this run", false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if g := got[i]; g.Subject != w.subject || g.Shown() != w.value || g.OK != w.ok {
			t.Errorf("result %d (%s) = {%s %q ok=%v}, want %+v", i, g.Expr, g.Subject, g.Shown(), g.OK, w)
		}
	}
}
