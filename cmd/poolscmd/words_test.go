package poolscmd

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: "PING", want: []string{"PING"}},
		{in: "  GET   k  ", want: []string{"GET", "k"}},
		{in: `SET "a b" 1`, want: []string{"SET", "a b", "1"}},
		{in: `SET 'a b' 1`, want: []string{"SET", "a b", "1"}},
		{in: `SET k ''`, want: []string{"SET", "k", ""}},
		{in: `SET k ""`, want: []string{"SET", "k", ""}},
		{in: `SET a\ b 1`, want: []string{"SET", "a b", "1"}},
		{in: `SET "say \"hi\"" 'it''s'`, want: []string{"SET", `say "hi"`, "its"}},
		{in: `SET "a\nb" x`, want: []string{"SET", `a\nb`, "x"}},
		{in: `SET pre"mid dle"post 1`, want: []string{"SET", "premid dlepost", "1"}},
		{in: "", want: nil},
		{in: `SET "a b`, err: "double quote at offset 4 is not closed"},
		{in: `SET 'a b`, err: "single quote at offset 4 is not closed"},
		{in: `SET a\`, err: "trailing backslash"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := splitWords(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("splitWords(%q) error = %v, want one containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("splitWords(%q): %v", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzSplitWords checks that quoting each word of any split and splitting
// again gives the same words, and that splitting never panics.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{"PING", `SET "a b" 1`, `SET 'x' ""`, `a\ b`, `"\\\""`, `'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitWords(s)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		again, err := splitWords(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("re-split of %q: %v", quoted, err)
		}
		if !slices.Equal(words, again) {
			t.Fatalf("splitWords(%q) = %q, re-split = %q", s, words, again)
		}
	})
}
