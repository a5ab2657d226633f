package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/output"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// renderings are the outputs compared with golden files, by file suffix.
var renderings = []struct {
	suffix string
	opts   output.Options
}{
	{"table", output.Options{Format: output.Text}},
	{"color", output.Options{Format: output.Text, Theme: output.Theme{Color: true}}},
	{"wide", output.Options{Format: output.Text, Wide: true}},
	{"json", output.Options{Format: output.JSON}},
	{"md", output.Options{Format: output.Markdown}},
	{"html", output.Options{Format: output.HTML}},
}

func render(t testing.TB, o output.Options, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := output.Render(&buf, r, o); err != nil {
		t.Fatalf("rendering %s: %v", o.Format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures {
		for _, rd := range renderings {
			t.Run(f.name+"/"+rd.suffix, func(t *testing.T) {
				if rd.opts.Format == output.Text && wideAmbiguous() {
					t.Skip("RUNEWIDTH_EASTASIAN makes lipgloss draw box characters two columns wide; the goldens assume one")
				}
				got := render(t, rd.opts, Build(f.in()))
				path := filepath.Join("testdata", f.name+"."+rd.suffix+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./pkg/report -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the rendering (go test ./pkg/report -update refreshes it):\n--- got\n%s\n--- want\n%s", path, got, want)
				}
			})
		}
	}
}

// wideAmbiguous reports whether the environment asks for East Asian widths
// of ambiguous characters (go-runewidth reads it once, at start-up).
func wideAmbiguous() bool {
	v := os.Getenv("RUNEWIDTH_EASTASIAN")
	return v != "" && v != "0"
}

// TestPlainHasNoEscapes: piped output (no colour) is plain text; forced
// colour does use escapes, so the test could tell the two apart.
func TestPlainHasNoEscapes(t *testing.T) {
	for _, f := range fixtures {
		r := Build(f.in())
		for _, format := range output.Formats {
			if out := render(t, output.Options{Format: format}, r); bytes.Contains(out, []byte("\x1b")) {
				t.Errorf("%s/%s without colour contains an escape sequence:\n%q", f.name, format, out)
			}
		}
		if out := render(t, output.Options{Format: output.Text, Theme: output.Theme{Color: true}}, r); !bytes.Contains(out, []byte("\x1b[")) {
			t.Errorf("%s/table with colour has no escape sequence", f.name)
		}
	}
}

// TestColorKeepsText: styling only wraps text; stripped of escapes the
// coloured table carries the same words as the plain one.
func TestColorKeepsText(t *testing.T) {
	r := Build(degradedInput())
	plain := string(render(t, output.Options{Format: output.Text}, r))
	colored := string(render(t, output.Options{Format: output.Text, Theme: output.Theme{Color: true}}, r))
	for _, word := range []string{"DEGRADED", "critical", "DB_POOL_MAX_SIZE=46", "excellent", "fair", "▂▇██"} {
		if strings.Contains(plain, word) != strings.Contains(stripANSI(colored), word) {
			t.Errorf("%q: present in plain %v, in coloured %v", word, strings.Contains(plain, word), strings.Contains(stripANSI(colored), word))
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestRedaction plants a password in target URLs, a pool's target and last
// error, a target's error and a leak's query: no rendering may show it.
func TestRedaction(t *testing.T) {
	for _, f := range fixtures {
		r := Build(f.in())
		for _, rd := range renderings {
			if out := render(t, rd.opts, r); bytes.Contains(out, []byte(plantedPassword)) {
				t.Errorf("%s/%s shows the planted password", f.name, rd.suffix)
			}
		}
	}
	// The planted password really is in the inputs.
	in := criticalInput()
	if !strings.Contains(in.Targets[1].URL, plantedPassword) || !strings.Contains(in.Leaks[0].Evidence["query"], plantedPassword) {
		t.Fatal("fixture lost its planted password")
	}
}

type failWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(b []byte) (int, error) {
	if w.after <= 0 {
		return 0, errDiskFull
	}
	w.after--
	return len(b), nil
}

func TestRenderWriteError(t *testing.T) {
	r := Build(degradedInput())
	for _, format := range output.Formats {
		for _, after := range []int{0, 1} { // output is buffered: a 4 KiB write, then the rest
			if after > 0 && format != output.Text && format != output.HTML {
				continue // shorter than one buffer: written once
			}
			if err := output.Render(&failWriter{after: after}, r, output.Options{Format: format}); !errors.Is(err, errDiskFull) {
				t.Errorf("%s failing after %d writes: err = %v, want it to wrap the write error", format, after, err)
			}
		}
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	in := healthyInput()
	in.Targets[0].Name = "a|b"
	in.Targets[0].Reachable = false
	in.Targets[0].Error = "bad <script> | line\nbreak"
	out := string(render(t, output.Options{Format: output.Markdown}, Build(in)))
	if !strings.Contains(out, `| a\|b | postgres |`) {
		t.Errorf("pipe in a cell not escaped:\n%s", out)
	}
	if strings.Contains(out, "<script>") || !strings.Contains(out, `bad &lt;script&gt; \| line<br>break`) {
		t.Errorf("error text not escaped:\n%s", out)
	}
}
