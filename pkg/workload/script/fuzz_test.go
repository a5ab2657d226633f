package script

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: any input parses or fails with ErrInvalid; a parsed script
// renders placeholders that match its references and draws without panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		"\\set a random(1, 10)\nSELECT :a;\nSELECT :a::int, ':a';",
		"BEGIN;\n\\set z random_zipfian(1, 100, 1.2)\nUPDATE t SET v = :z WHERE id = :z;\nCOMMIT;",
		"\\set g random_gaussian(-9223372036854775808, 9223372036854775807, 2)\nSELECT :g",
		"\\set e random_exponential(1, 10, 0.5)\n\\set u random(:e, 20)\nSELECT \"a\"\"b\", `x`, :u -- :u",
		"SELECT 'it''s';\n\\bogus",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := Parse("f.sql", src)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, st := range sc.Statements {
			sql, args := st.Render(Question)
			if strings.Count(sql, "?")-strings.Count(st.Text(sc), "?") != len(st.Refs) || len(args) != len(st.Refs) {
				t.Fatalf("%q: %d args for %d references", sql, len(args), len(st.Refs))
			}
			if _, dargs := st.Render(Dollar); len(dargs) > len(st.Refs) {
				t.Fatalf("%d dollar args for %d references", len(dargs), len(st.Refs))
			}
		}
		v := NewVars(sc, 1)
		for range 3 {
			_ = v.Draw()
		}
	})
}
