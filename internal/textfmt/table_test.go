package textfmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestNewTable(t *testing.T) {
	tests := []struct {
		name      string
		maxWidths map[int]int
		row       []string
		want      []string
	}{
		{"headers upper-cased, right alignment", nil, []string{"a", "7"}, []string{"NAME", "│ a    │     7 │"}},
		{"wrapped column", map[int]int{0: 5}, []string{"aaaa bbbb", "7"}, []string{"│ aaaa │", "│ bbbb │"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			tb := NewTable(&b, []string{"name", "count"}, "lr", tt.maxWidths)
			if err := tb.Append(tt.row); err != nil {
				t.Fatal(err)
			}
			if err := RenderTable(&b, tb); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !strings.HasSuffix(out, "┘\n\n") {
				t.Errorf("output does not end with the table and a blank line:\n%s", out)
			}
		})
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(b []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func TestErrWriterKeepsFirstError(t *testing.T) {
	fw := &failWriter{}
	w := &ErrWriter{W: fw}
	w.Write([]byte("a"))
	w.Write([]byte("b"))
	if w.Err == nil || !strings.Contains(w.Err.Error(), "writing report: disk full") {
		t.Fatalf("Err = %v, want wrapped disk full", w.Err)
	}
	if fw.n != 1 {
		t.Errorf("underlying writes = %d, want 1 (later writes dropped)", fw.n)
	}
}
