package apitest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// wellKnown methods implement a standard interface (error, fmt.Stringer,
// errors' Unwrap), whose documentation says what they do.
var wellKnown = map[string]bool{"Error": true, "String": true, "Unwrap": true}

// TestExportedNamesDocumented: every exported top-level name of every
// package under pkg/ (functions, methods of exported types but the
// well-known ones, types, and constants and variables, which a group's
// comment may cover) has a doc comment, as go doc shows it.
func TestExportedNamesDocumented(t *testing.T) {
	root := filepath.Join("..", "..", "pkg")
	var missing []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.Contains(path, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		report := func(pos token.Pos, name string) {
			missing = append(missing, fmt.Sprintf("%s:%d: %s", rel, fset.Position(pos).Line, name))
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Doc != nil {
					continue
				}
				if d.Recv != nil && (!exportedRecv(d.Recv) || wellKnown[d.Name.Name]) {
					continue
				}
				report(d.Pos(), d.Name.Name)
			case *ast.GenDecl:
				if d.Doc != nil || d.Tok == token.IMPORT {
					continue
				}
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && s.Doc == nil && s.Comment == nil {
							report(s.Pos(), s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() && s.Doc == nil && s.Comment == nil {
								report(n.Pos(), n.Name)
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("undocumented: %s", m)
	}
}
