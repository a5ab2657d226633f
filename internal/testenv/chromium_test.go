package testenv_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/testenv"
)

// TestChromiumConsole proves the console capture on this Chromium: a page
// that logs, throws and breaks its CSP is reported, a clean one is not.
// The page tests lean on it to tell "no errors" from "not looking".
func TestChromiumConsole(t *testing.T) {
	b := testenv.Chromium(t)
	dir := t.TempDir()
	pages := []struct {
		name, html string
		want       []string // substrings, one console line each
	}{
		{"clean", `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><style>p{color:red}</style></head><body><p>ok</p></body></html>`, nil},
		{"script", `<!DOCTYPE html><html><body><script>console.error("boom"); throw new Error("uncaught")</script></body></html>`,
			[]string{"boom", "uncaught"}},
		{"csp", `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><script>console.log(1)</script><img src="https://example.invalid/x.png"></body></html>`,
			[]string{"Content Security Policy", "Content Security Policy"}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, p.name+".html")
			if err := os.WriteFile(path, []byte(p.html), 0o644); err != nil {
				t.Fatal(err)
			}
			page, err := b.Load(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page.DOM, "<body>") {
				t.Errorf("DOM has no body:\n%s", page.DOM)
			}
			if len(page.Console) != len(p.want) {
				t.Fatalf("console = %q, want %d lines containing %q", page.Console, len(p.want), p.want)
			}
			for i, w := range p.want {
				if !strings.Contains(page.Console[i], w) {
					t.Errorf("console line %d = %q, want it to contain %q", i, page.Console[i], w)
				}
			}
		})
	}
}

func TestFigures(t *testing.T) {
	tests := []struct {
		name string
		dom  string
		want []testenv.Figure
		err  bool
	}{
		{"none", `<html><body><p>x<br>y</p></body></html>`, nil, false},
		{"counted", `<html><body><figure class="chart" data-kind="bars" data-points="2"><figcaption>ages &amp; more</figcaption>` +
			`<svg><rect class="pt s0"><title>a</title></rect><circle class="s1 pt"></circle><text class="ptx">no</text></svg></figure>` +
			`<figure class="chart" data-kind="line" data-points="3"><svg><g><circle class="pt"/></g></svg><span class="pt"></span></figure>` +
			`<span class="pt"></span></body></html>`,
			[]testenv.Figure{
				{Caption: "ages & more", Kind: "bars", DataPoints: 2, Points: 2},
				{Kind: "line", DataPoints: 3, Points: 1, Outside: 1},
			}, false},
		{"bad count", `<figure class="chart" data-points="many"></figure>`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := testenv.Figures(tt.dom)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if tt.err {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("figures = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("figure %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
