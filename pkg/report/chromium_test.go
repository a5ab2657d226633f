package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/workload"
)

// poolStatsFixture is a `pools stats` run over the degraded fixture's
// pools, with a per-second throughput series for two of them.
func poolStatsFixture() *PoolStats {
	series := func(ops ...uint64) []workload.Point {
		out := make([]workload.Point, len(ops))
		for i, n := range ops {
			out[i] = workload.Point{Second: i, Ops: n, MeanMs: 1.5}
		}
		return out
	}
	return &PoolStats{
		Report: Build(degradedInput()), Concurrency: 8, Warmup: 1e9,
		Workload: map[string]*workload.Result{
			"database": {Name: "database", Model: workload.ModelClosed, Concurrency: 8, Operations: 6450, Throughput: 2150.5,
				Latency: workload.Quantiles{P50: 0.41, P95: 36.9, P99: 90.3, Max: 142.7}, Series: series(2100, 2230, 2120)},
			"http": {Name: "http", Model: workload.ModelOpen, Rate: 400, Concurrency: 8, Operations: 930, Throughput: 310,
				Latency: workload.Quantiles{P50: 12, P95: 150, P99: 210, Max: 480}, Late: 4, Dropped: 1,
				Errors: workload.ErrorCounts{Timeout: 3}, Series: series(0, 0, 0)},
		},
	}
}

// hostileFixture names a target and a pool like a script; rendered
// unescaped, the page would run it (and the CSP would report it).
func hostileFixture() *Report {
	in := healthyInput()
	evil := `<script>console.error("pwned")</script><img src=x onerror=alert(1)>`
	in.Targets[0].Name = evil
	in.Pools[0].Snapshot.Name = evil
	in.Caches[0].Name = `</style><b>"cache"</b>`
	return Build(in)
}

// TestHTMLInChromium opens every HTML output — the report fixtures, a
// pools stats run and the commands' HTML goldens (pools recommend, leaks,
// cache simulate; their golden tests keep them equal to what the commands
// write) — in headless Chromium: each page must render with no console
// message at all (no script runs, so any message is a CSP violation or an
// error), and each chart must draw as many points (.pt elements inside its
// <svg>) as its data-points attribute says, and at least one.
func TestHTMLInChromium(t *testing.T) {
	b := testenv.Chromium(t)
	dir := t.TempDir()

	type page struct {
		name   string
		html   []byte
		charts int // the page's figures, at least
	}
	var pages []page
	html := func(r output.Result) []byte {
		var buf bytes.Buffer
		if err := output.Render(&buf, r, output.Options{Format: output.HTML}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, f := range fixtures {
		pages = append(pages, page{name: "report-" + f.name, html: html(Build(f.in()))})
	}
	pages = append(pages,
		page{name: "pools-stats", html: html(poolStatsFixture()), charts: 2},
		page{name: "hostile", html: html(hostileFixture()), charts: 1},
	)
	goldens, err := filepath.Glob(filepath.Join("..", "..", "cmd", "*", "testdata", "*html*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(goldens) < 3 {
		t.Fatalf("found %d command HTML goldens (%q), want recommend, leaks and simulate", len(goldens), goldens)
	}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		cmd := filepath.Base(filepath.Dir(filepath.Dir(g)))
		pages = append(pages, page{name: cmd + "-" + strings.TrimSuffix(filepath.Base(g), ".golden"), html: data, charts: 1})
	}

	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, p.name+".html")
			if err := os.WriteFile(path, p.html, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := b.Load(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range got.Console {
				t.Errorf("console: %s", msg)
			}
			if !strings.Contains(got.DOM, "<h1>") || !strings.Contains(got.DOM, "</body>") {
				t.Errorf("Chromium's DOM has no heading or body:\n%s", got.DOM)
			}
			if strings.Contains(got.DOM, "<script") || strings.Contains(got.DOM, "<img") {
				t.Errorf("the DOM has a script or img element: a name was not escaped")
			}
			figs, err := testenv.Figures(got.DOM)
			if err != nil {
				t.Fatal(err)
			}
			if len(figs) < p.charts {
				t.Errorf("%d charts, want at least %d", len(figs), p.charts)
			}
			for i, f := range figs {
				if f.Points == 0 || f.Points != f.DataPoints || f.Outside > 0 {
					t.Errorf("chart %d (%s, %q): %d points drawn in its svg (%d outside), data-points=%d",
						i+1, f.Kind, f.Caption, f.Points, f.Outside, f.DataPoints)
				}
			}
		})
	}
}
