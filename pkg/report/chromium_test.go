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
)

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

// TestHTMLInChromium opens every HTML output — the report fixtures, the
// pools stats, pools recommend, leaks and cache simulate fixtures, and the
// commands' HTML goldens (their golden tests keep them equal to what the
// commands write) — in headless Chromium: each page must render with no console
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
		page{name: "pools-recommend", html: html(sizingFixture()), charts: 1},
		page{name: "leaks", html: html(leaksFixture()), charts: 1},
		page{name: "cache-simulate", html: html(simulationFixture()), charts: 1},
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
