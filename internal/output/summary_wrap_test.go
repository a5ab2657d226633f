package output

import (
	"strings"
	"testing"
)

// TestWrapSeparated: a summary value wider than the box breaks at its " · "
// separators only, each line within the width unless one part alone is
// wider.
func TestWrapSeparated(t *testing.T) {
	parts := func(ps ...string) Spans {
		var s []Spans
		for _, p := range ps {
			s = append(s, S(p))
		}
		return Join(" · ", s...)
	}
	tests := []struct {
		name  string
		value Spans
		width int
		want  []string
	}{
		{"fits", parts("a 1", "b 2"), 20, []string{"a 1 · b 2"}},
		{"two lines", parts("aaaa 1", "bbbb 2", "cc 3"), 15, []string{"aaaa 1 · bbbb 2", "cc 3"}},
		{"one a line", parts("aaaa 1", "bbbb 2"), 8, []string{"aaaa 1", "bbbb 2"}},
		{"a part wider than the width stays whole", parts("a-very-long-name 1", "b"), 5, []string{"a-very-long-name 1", "b"}},
		{"no separator", S("x y z"), 2, []string{"x y z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range wrapSeparated(tt.value, " · ", tt.width) {
				got = append(got, l.Plain())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
