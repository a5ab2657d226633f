package config

import (
	"fmt"
	"strings"
)

// FileReport says which settings file CheckFile read and which
// environments it checked.
type FileReport struct {
	Name string   // the file as messages name it
	Envs []string // the environment tables, in file order
}

// CheckFile checks the settings file Load would read (o.File, or the
// discovered one) on its own: syntax, tables, keys and types in every
// environment, then the configuration each environment yields (defaults <
// [default] < [env]). Environment variables other than RESYNC_CONFIG and
// flags play no part. With no file to check it returns an *Error saying
// where it looked.
func CheckFile(o LoadOptions) (FileReport, error) {
	l := newLoader(o)
	var ps problems
	if _, ok := l.locate(); !ok {
		ps.add(Problem{Reason: fmt.Sprintf("no settings file found (looked for %s): name one, or create it with `resync config init`",
			strings.Join(l.candidates(), " and "))})
		return FileReport{}, ps.err()
	}
	f, p := l.readFile()
	if p != nil {
		ps.add(*p)
		return FileReport{}, ps.err()
	}
	rep := FileReport{Name: f.name, Envs: f.order}
	ps.addAll(f.problemList())
	failed := map[string]bool{}
	for _, p := range f.problemList() {
		failed[p.Key] = true
	}
	envs := f.order
	if len(envs) == 0 {
		envs = []string{DefaultEnv}
	}
	for _, env := range envs {
		ls := newLayers()
		ls.mergeFile(f, env)
		c, decodeProblems := ls.decode(failed)
		ps.addAll(decodeProblems)
		ps.addAll(c.validate(failed))
	}
	return rep, ps.err()
}
