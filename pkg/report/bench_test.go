package report

import (
	"fmt"
	"github.com/resync-dev/resync/internal/output"
	"io"
	"testing"
)

// benchReport builds the benchmark's report: 3 pools, 1 cache, 50 leaks and
// 20 recommendations. The rules give at most 15 for 3 pools and a cache, so
// five more are appended the way `pools recommend` adds measured sizes.
func benchReport(in Input) *Report {
	r := Build(in)
	db := r.Pools["database"]
	for i := range 5 {
		db.Recommendations = append(db.Recommendations, Recommendation{
			ID: "pool.measured_size", Severity: SeverityInfo, Subject: "database",
			Message:    fmt.Sprintf("Measured knee of the throughput curve at %d connections.", 8*(i+1)),
			Evidence:   map[string]float64{"throughput_per_s": 1000 * float64(i+1), "size": 8 * float64(i+1)},
			Suggestion: fmt.Sprintf("DB_POOL_MAX_SIZE=%d", 8*(i+1)),
		})
	}
	r.Pools["database"] = db
	return r
}

func checkBenchShape(b *testing.B, r *Report) {
	b.Helper()
	if len(r.Pools) != 3 || len(r.Caches) != 1 || len(r.Resources.PotentialLeaks) != 50 || len(r.Recommendations()) != 20 {
		b.Fatalf("bench report has %d pools, %d caches, %d leaks, %d recommendations; want 3, 1, 50, 20",
			len(r.Pools), len(r.Caches), len(r.Resources.PotentialLeaks), len(r.Recommendations()))
	}
}

// BenchmarkBuild measures Build alone.
func BenchmarkBuild(b *testing.B) {
	in := benchInput()
	checkBenchShape(b, benchReport(in))
	b.ReportAllocs()
	for b.Loop() {
		_ = Build(in)
	}
}

// BenchmarkBuildAndRender measures building the report and rendering it in
// each format, the whole cost `resync report` adds after the workload.
func BenchmarkBuildAndRender(b *testing.B) {
	in := benchInput()
	checkBenchShape(b, benchReport(in))
	cases := []struct {
		name string
		opts output.Options
	}{
		{"table", output.Options{Format: output.Text}},
		{"table-color", output.Options{Format: output.Text, Theme: output.Theme{Color: true}}},
		{"json", output.Options{Format: output.JSON}},
		{"markdown", output.Options{Format: output.Markdown}},
		{"html", output.Options{Format: output.HTML}},
	}
	for _, c := range cases {
		rn, err := output.New(c.opts)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := rn.Render(io.Discard, benchReport(in)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
