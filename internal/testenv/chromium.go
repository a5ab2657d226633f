package testenv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ChromiumVar names a Chromium binary to use instead of `chromium` on PATH.
const ChromiumVar = "RESYNC_TEST_CHROMIUM"

// chromiumFlags make a headless run that works as root in a container and
// touches nothing outside its fresh profile: no sandbox (it needs user
// namespaces), no GPU, no background fetches or updates. Logging to stderr
// at level 0 is how the page's console reaches us: every console message,
// CSP violation and uncaught exception is logged as an "INFO:CONSOLE" line.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run",
	"--enable-logging=stderr", "--v=0",
}

// chromiumSlots runs one Chromium at a time in a test binary: the CI
// machine has two cores, other packages test beside us, and some of their
// tests measure throughput (pools recommend), which a second browser
// would disturb. A page takes about 1.5 s.
var chromiumSlots = make(chan struct{}, 1)

// chromiumTimeout bounds one page load; a healthy one takes about 1.5 s.
const chromiumTimeout = 90 * time.Second

// Browser is a headless Chromium for page tests.
type Browser struct{ path string }

// Chromium returns the headless Chromium (ChromiumVar, else `chromium` on
// PATH) or skips the test when there is none — unless
// RESYNC_TEST_REQUIRE_SERVICES=1, where a missing browser fails it (.ci/run
// installs Debian's chromium package).
func Chromium(tb testing.TB) *Browser {
	tb.Helper()
	name := os.Getenv(ChromiumVar)
	if name == "" {
		name = "chromium"
	}
	path, err := exec.LookPath(name)
	if err == nil {
		return &Browser{path: path}
	}
	if Required() {
		tb.Fatalf("no Chromium (%v) but %s=1: install it (apt-get install chromium, see .ci/run) or set %s", err, RequireVar, ChromiumVar)
	}
	tb.Skipf("no Chromium (%v): skipping the browser test (install Debian's chromium package or set %s)", err, ChromiumVar)
	return nil
}

// Page is what Chromium made of one HTML file.
type Page struct {
	// DOM is the document as Chromium parsed and serialized it.
	DOM string
	// Console holds every console message the page caused, CSP violations
	// and uncaught errors included ("Refused to …", "… violates the
	// following Content Security Policy directive …").
	Console []string
}

// Load opens file in a fresh headless Chromium with a fresh profile and
// returns its DOM and console. One load runs at a time.
func (b *Browser) Load(ctx context.Context, file string) (*Page, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	select {
	case chromiumSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-chromiumSlots }()

	profile, err := os.MkdirTemp("", "resync-chromium-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)

	ctx, cancel := context.WithTimeout(ctx, chromiumTimeout)
	defer cancel()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	args := append(append([]string(nil), chromiumFlags...), "--user-data-dir="+profile, "--dump-dom", u.String())
	cmd := exec.CommandContext(ctx, b.path, args...)
	// Chromium forks renderer and helper processes; they go down with it.
	killGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	// A private HOME keeps the wrapper script and crash handler out of the
	// real one.
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("chromium %s: %w\n%s", file, err, tail(stderr.String(), 20))
	}
	if stdout.Len() == 0 {
		return nil, fmt.Errorf("chromium %s: empty DOM\n%s", file, tail(stderr.String(), 20))
	}
	return &Page{DOM: stdout.String(), Console: consoleLines(&stderr)}, nil
}

// consoleLines picks the page's console messages out of Chromium's log:
// `[pid:tid:time:INFO:CONSOLE:1] "message", source: file:///… (1)`.
// Continuation lines of a multi-line message are kept with it.
func consoleLines(log io.Reader) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(log)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if i := strings.Index(l, ":CONSOLE"); i >= 0 && strings.HasPrefix(l, "[") {
			if j := strings.Index(l[i:], "] "); j >= 0 {
				out = append(out, l[i+j+2:])
				in = true
				continue
			}
		}
		if strings.HasPrefix(l, "[") {
			in = false
			continue
		}
		if in && len(out) > 0 {
			out[len(out)-1] += "\n" + l
		}
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Figure is one chart of a page: `<figure class="chart" data-kind=…
// data-points=N>` and the plotted values (elements of class "pt") inside.
type Figure struct {
	Caption    string
	Kind       string
	DataPoints int // the data-points attribute
	Points     int // .pt elements drawn
	// Outside counts .pt elements not inside an <svg>: Chromium did not
	// take them as SVG.
	Outside int
}

// Figures reads the chart figures out of a DOM. The DOM is HTML, not XML,
// so it is read leniently (void elements auto-closed, HTML entities
// known); only the figure, svg and .pt elements matter.
func Figures(dom string) ([]Figure, error) {
	d := xml.NewDecoder(strings.NewReader(dom))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var out []Figure
	var cur *Figure
	svg, caption := 0, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("reading the DOM: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "figure" && hasClass(t, "chart"):
				n, err := strconv.Atoi(attr(t, "data-points"))
				if err != nil {
					return out, fmt.Errorf("figure %d: data-points %q: %v", len(out)+1, attr(t, "data-points"), err)
				}
				out = append(out, Figure{Kind: attr(t, "data-kind"), DataPoints: n})
				cur = &out[len(out)-1]
			case t.Name.Local == "svg":
				svg++
			case t.Name.Local == "figcaption":
				caption = true
			}
			if hasClass(t, "pt") {
				if cur == nil || svg == 0 {
					if cur != nil {
						cur.Outside++
					}
					continue
				}
				cur.Points++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "figure":
				cur = nil
			case "svg":
				svg = max(svg-1, 0)
			case "figcaption":
				caption = false
			}
		case xml.CharData:
			if caption && cur != nil {
				cur.Caption += string(t)
			}
		}
	}
	return out, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func hasClass(e xml.StartElement, class string) bool {
	for _, c := range strings.Fields(attr(e, "class")) {
		if c == class {
			return true
		}
	}
	return false
}
