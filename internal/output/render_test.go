package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		err  bool
	}{
		{"table", Text, false}, {"json", JSON, false}, {"markdown", Markdown, false}, {"html", HTML, false},
		{"JSON", JSON, false}, {"Html", HTML, false},
		{"", "", true}, {"md", "", true}, {"yaml", "", true}, {" json", "", true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "table, json, markdown or html") {
			t.Errorf("ParseFormat(%q) error %q does not list the formats", tt.in, err)
		}
	}
	if got := strings.Join(FormatNames(), ","); got != "table,json,markdown,html" {
		t.Errorf("FormatNames = %s", got)
	}
}

func TestFormatForPath(t *testing.T) {
	tests := []struct {
		path string
		want Format
		ok   bool
	}{
		{"report.json", JSON, true}, {"out/REPORT.JSON", JSON, true},
		{"a.md", Markdown, true}, {"a.markdown", Markdown, true},
		{"a.html", HTML, true}, {"a.htm", HTML, true}, {"dir.d/a.HTM", HTML, true},
		{"a.txt", Text, true},
		{"a", "", false}, {"a.yaml", "", false}, {"a.json.gz", "", false}, {".json", JSON, true},
		{"html", "", false}, {"a.html/", "", false},
	}
	for _, tt := range tests {
		got, ok := FormatForPath(tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatForPath(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New(Options{Format: "yaml"}); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("New(yaml) error = %v, want it to name the format", err)
	}
	for _, f := range append([]Format{""}, Formats...) {
		if _, err := New(Options{Format: f}); err != nil {
			t.Errorf("New(%q): %v", f, err)
		}
	}
}

// docResult is a Result with a fixed Doc and JSON.
type docResult struct {
	d    *Doc
	json any
}

func (r docResult) Doc() *Doc                    { return r.d }
func (r docResult) MarshalJSON() ([]byte, error) { return json.Marshal(r.json) }

// failingJSON cannot be encoded.
type failingJSON struct{}

func (failingJSON) Doc() *Doc                    { return &Doc{Title: S("x")} }
func (failingJSON) MarshalJSON() ([]byte, error) { return nil, errors.New("no JSON today") }

func TestEncodeJSON(t *testing.T) {
	type inner struct {
		Z int `json:"z"`
		A int `json:"a"`
	}
	v := struct {
		URL    string         `json:"url"`
		Msg    string         `json:"msg"`
		Inner  inner          `json:"inner"`
		Map    map[string]int `json:"map"`
		Empty  []string       `json:"empty"`
		Omit   string         `json:"omit,omitempty"`
		Hidden string         `json:"-"`
	}{URL: "http://h/p?a=1&b=2", Msg: "<script>\u2028", Inner: inner{1, 2}, Map: map[string]int{"b": 2, "a": 1}, Empty: []string{}, Hidden: "h"}
	var buf bytes.Buffer
	if err := EncodeJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	want := `{
  "url": "http://h/p?a=1&b=2",
  "msg": "<script>\u2028",
  "inner": {
    "z": 1,
    "a": 2
  },
  "map": {
    "a": 1,
    "b": 2
  },
  "empty": []
}
`
	if buf.String() != want {
		t.Errorf("EncodeJSON =\n%s\nwant\n%s", buf.String(), want)
	}
	if err := EncodeJSON(&buf, failingJSON{}); err == nil || !strings.Contains(err.Error(), "no JSON today") {
		t.Errorf("EncodeJSON(failing) error = %v", err)
	}
}

// TestRenderFormats: every renderer writes something for a small document
// and JSON is the value itself.
func TestRenderFormats(t *testing.T) {
	r := docResult{d: (&Doc{Title: S("title")}).Add(Heading{Text: "Section"}), json: map[string]int{"n": 1}}
	tests := []struct {
		f    Format
		want string
	}{
		{Text, "title\n\nSection\n"},
		{JSON, "{\n  \"n\": 1\n}\n"},
		{Markdown, "## title\n\n### Section\n\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := Render(&buf, r, Options{Format: tt.f}); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s: %q, want %q", tt.f, buf.String(), tt.want)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	if w.n -= len(b); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(b), nil
}

func TestRenderWriteError(t *testing.T) {
	r := docResult{d: sampleDoc(), json: map[string]string{"big": strings.Repeat("x", 10000)}}
	for _, f := range Formats {
		err := Render(&failWriter{n: 100}, r, Options{Format: f})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error = %v, want the write error", f, err)
		}
	}
}

// sampleDoc has one block of each kind, a few kilobytes of output.
func sampleDoc() *Doc {
	tb := NewTable("Pools", Col("pool"), Num("size"), Wrapped("note", 10))
	for i := range 40 {
		tb.Row(S("database"), S(Int(i)), S(strings.Repeat("word ", 10)))
	}
	return (&Doc{Title: S("resync test")}).Add(
		Summary{Lines: []SummaryLine{{Label: "Health", Value: T(Success, "HEALTHY")}}},
		Heading{Text: "Section"}, Para{Text: S("a paragraph")}, List{Items: []Spans{S("one"), S("two")}},
		Pre{Caption: "paste", Lines: []string{"A=1"}}, tb,
		&Chart{Title: "bars", Kind: Bars, Series: []Series{{Name: "s", Points: []Point{{Y: 1, Label: "a", Text: "1"}}}}},
	)
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	r := docResult{d: sampleDoc(), json: map[string]int{"n": 1}}

	path := filepath.Join(dir, "report.json")
	if err := WriteFile(path, r, Options{Format: JSON}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "{\n  \"n\": 1\n}\n" {
		t.Fatalf("report.json = %q, %v", got, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, %v; want 0644", fi.Mode().Perm(), err)
	}

	// A failed render leaves the previous file as it was and no temporary
	// file behind.
	if err := WriteFile(path, failingJSON{}, Options{Format: JSON}); err == nil {
		t.Fatal("WriteFile(failing) succeeded")
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, got) {
		t.Errorf("a failed write changed the file: %q", again)
	}
	fresh := filepath.Join(dir, "fresh.json")
	if err := WriteFile(fresh, failingJSON{}, Options{Format: JSON}); err == nil {
		t.Fatal("WriteFile(failing) succeeded")
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed write left %s: %v", fresh, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("dir holds %q, want only report.json", names)
	}

	// A missing directory is an error naming the flag and the path.
	missing := filepath.Join(dir, "no", "such", "r.html")
	if err := WriteFile(missing, r, Options{Format: HTML}); err == nil || !strings.Contains(err.Error(), "--output-file "+missing) {
		t.Errorf("WriteFile(missing dir) error = %v", err)
	}
}
