package apitest

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.api from the current sources")

// TestAPI compares each public package's exported declarations (signatures,
// exported struct fields and interface methods; no bodies, no comments) with
// testdata/<pkg>.api. An intended change is recorded with -update.
func TestAPI(t *testing.T) {
	for _, pkg := range []string{"cache", "pools", "resources", "report", "monitor"} {
		t.Run(pkg, func(t *testing.T) {
			got := exportedAPI(t, filepath.Join("..", "..", "pkg", pkg))
			golden := filepath.Join("testdata", pkg+".api")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/apitest -update)", err)
			}
			if got != string(want) {
				t.Errorf("exported API of pkg/%s changed; if intended, run go test ./internal/apitest -update\n%s",
					pkg, lineDiff(string(want), got))
			}
		})
	}
}

// exportedAPI prints the exported declarations of the non-test files in dir,
// one per entry, sorted, so file moves and reordering do not count.
func exportedAPI(t *testing.T, dir string) string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var decls []string
	print := func(n any) string {
		var b bytes.Buffer
		if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, n); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || (d.Recv != nil && !exportedRecv(d.Recv)) {
					continue
				}
				d.Body, d.Doc = nil, nil
				decls = append(decls, print(d))
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						s.Doc, s.Comment = nil, nil
						stripUnexported(s.Type)
						decls = append(decls, "type "+print(s))
					case *ast.ValueSpec:
						for i, n := range s.Names {
							if !n.IsExported() {
								continue
							}
							line := d.Tok.String() + " " + n.Name
							if s.Type != nil {
								line += " " + print(s.Type)
							}
							if d.Tok == token.CONST && i < len(s.Values) {
								line += " = " + print(s.Values[i])
							}
							decls = append(decls, line)
						}
					}
				}
			}
		}
	}
	slices.Sort(decls)
	return strings.Join(decls, "\n") + "\n"
}

func exportedRecv(r *ast.FieldList) bool {
	typ := r.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	switch x := typ.(type) {
	case *ast.IndexExpr:
		typ = x.X
	case *ast.IndexListExpr:
		typ = x.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// stripUnexported drops comments and unexported fields and methods, which
// are not part of the API.
func stripUnexported(e ast.Expr) {
	var fl *ast.FieldList
	switch x := e.(type) {
	case *ast.StructType:
		fl = x.Fields
	case *ast.InterfaceType:
		fl = x.Methods
	default:
		return
	}
	kept := fl.List[:0]
	for _, f := range fl.List {
		f.Doc, f.Comment = nil, nil
		if len(f.Names) == 0 { // embedded
			kept = append(kept, f)
			continue
		}
		names := f.Names[:0]
		for _, n := range f.Names {
			if n.IsExported() {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			f.Names = names
			stripUnexported(f.Type)
			kept = append(kept, f)
		}
	}
	fl.List = kept
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
