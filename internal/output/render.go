package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is an --output word.
type Format string

// The output formats.
const (
	Text     Format = "table"
	JSON     Format = "json"
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// Formats lists the formats in the order help texts show them.
var Formats = []Format{Text, JSON, Markdown, HTML}

// FormatNames is Formats as strings, for flag values.
func FormatNames() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = string(f)
	}
	return out
}

// ParseFormat reads an --output word (case-insensitive).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q: use table, json, markdown or html", s)
}

// FormatForPath picks the format from a file name's extension: .json,
// .md/.markdown, .html/.htm, .txt; ok is false for any other.
func FormatForPath(path string) (f Format, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return JSON, true
	case ".md", ".markdown":
		return Markdown, true
	case ".html", ".htm":
		return HTML, true
	case ".txt":
		return Text, true
	}
	return "", false
}

// DefaultWidth is the width text tables fit when the terminal's is unknown.
const DefaultWidth = 80

// Options choose and shape a renderer.
type Options struct {
	Format Format
	Theme  Theme // text only
	// Width is the width text tables and paragraphs fit; 0 means
	// DefaultWidth. Wide turns fitting off: no column is dropped or
	// wrapped.
	Width int
	Wide  bool
}

// Result is a command's finished output. Its JSON is the value itself
// (encoding/json, or its MarshalJSON); Doc presents it for the other
// formats.
type Result interface {
	Doc() *Doc
}

// Renderer writes a finished result in one format. No renderer computes
// anything.
type Renderer interface {
	Render(w io.Writer, r Result) error
}

// RendererFunc adapts a function to Renderer.
type RendererFunc func(w io.Writer, r Result) error

// Render calls f.
func (f RendererFunc) Render(w io.Writer, r Result) error { return f(w, r) }

// New returns the renderer for o.Format.
func New(o Options) (Renderer, error) {
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	switch o.Format {
	case Text, "":
		return RendererFunc(func(w io.Writer, r Result) error { return writeText(w, r.Doc(), o) }), nil
	case JSON:
		return RendererFunc(func(w io.Writer, r Result) error { return EncodeJSON(w, r) }), nil
	case Markdown:
		return RendererFunc(func(w io.Writer, r Result) error { return writeMarkdown(w, r.Doc()) }), nil
	case HTML:
		return RendererFunc(func(w io.Writer, r Result) error { return writeHTML(w, r.Doc()) }), nil
	}
	_, err := ParseFormat(string(o.Format))
	return nil, err
}

// Render writes r to w in o's format.
func Render(w io.Writer, r Result, o Options) error {
	rd, err := New(o)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := rd.Render(bw, r); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// EncodeJSON writes v as JSON indented by two spaces and a newline, the one
// JSON setting of every command: HTML characters are not escaped (URLs keep
// their & and messages their <), struct fields keep their declared order and
// map keys are sorted, so equal results give equal bytes.
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// WriteFile renders r into path atomically: into a temporary file beside
// it, renamed over path only when everything was written, so a failed or
// interrupted run never leaves half a file.
func WriteFile(path string, r Result, o Options) error {
	return writeAtomic(path, "--output-file", func(w io.Writer) error { return Render(w, r, o) })
}

// WriteAtomic writes path with write, atomically as WriteFile does.
func WriteAtomic(path string, write func(io.Writer) error) error {
	return writeAtomic(path, "", write)
}

// writeAtomic writes path through a temporary file beside it; errors
// about the file are prefixed with label (the flag that named it), when
// given, and name the path.
func writeAtomic(path, label string, write func(io.Writer) error) (err error) {
	prefix := path
	if label != "" {
		prefix = label + " " + path
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	return nil
}
