package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SettingsFileName is the settings file looked for in the working
// directory and in $XDG_CONFIG_HOME/resync.
const SettingsFileName = "settings.toml"

// location is a settings file to read: where it is, how messages name it,
// and who asked for it (a flag or variable, or nobody when discovered).
type location struct {
	path, name string
	from       Source
}

// fromArgument marks a file named as a command argument; such a source
// renders as nothing, since the user just typed the name.
const fromArgument SourceKind = ""

// explicit reports whether the user named the file, so its absence is an
// error rather than "no settings file".
func (loc location) explicit() bool { return loc.from.Kind != FromDefault }

// FindFile returns the settings file Load would read and how messages name
// it, or "" when there is none. A file named by --config or RESYNC_CONFIG is
// returned even if it does not exist (Load then reports it).
func FindFile(o LoadOptions) (path, name string) {
	loc, ok := newLoader(o).locate()
	if !ok {
		return "", ""
	}
	return loc.path, loc.name
}

// locate applies the discovery order: --config, RESYNC_CONFIG,
// ./settings.toml, $XDG_CONFIG_HOME/resync/settings.toml.
func (l *loader) locate() (location, bool) {
	if l.o.File != "" {
		from := Source{Kind: FromFlag, Detail: "--config"}
		if l.o.FileIsArg {
			from = Source{Kind: fromArgument}
		}
		return location{path: l.resolve(l.o.File), name: l.o.File, from: from}, true
	}
	if v, ok := l.lookup("RESYNC_CONFIG"); ok && v != "" {
		return location{path: l.resolve(v), name: v, from: Source{Kind: FromEnv, Detail: "RESYNC_CONFIG"}}, true
	}
	// ./settings.toml is named as the user sees it from where they ran
	// resync, whatever WorkDir a test uses.
	if p := filepath.Join(l.o.WorkDir, SettingsFileName); isFile(p) {
		return location{path: p, name: SettingsFileName, from: Source{Kind: FromDefault}}, true
	}
	if p := l.userFile(); p != "" && isFile(p) {
		return location{path: p, name: p, from: Source{Kind: FromDefault}}, true
	}
	return location{}, false
}

// candidates lists the discovered locations for "not found" messages.
func (l *loader) candidates() []string {
	out := []string{"./" + SettingsFileName}
	if p := l.userFile(); p != "" {
		out = append(out, p)
	}
	return out
}

// userFile is $XDG_CONFIG_HOME/resync/settings.toml, with XDG_CONFIG_HOME
// defaulting to ~/.config; "" when neither it nor HOME is known.
func (l *loader) userFile() string {
	dir, ok := l.lookup("XDG_CONFIG_HOME")
	if !ok || dir == "" || !filepath.IsAbs(dir) {
		home, ok := l.lookup("HOME")
		if !ok || home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "resync", SettingsFileName)
}

func (l *loader) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.o.WorkDir, p)
}

// readFile finds and parses the settings file. It returns nil and no
// problem when no file was asked for and none was found.
func (l *loader) readFile() (*settingsFile, *Problem) {
	loc, ok := l.locate()
	if !ok {
		return nil, nil
	}
	data, err := os.ReadFile(loc.path)
	if err != nil {
		return nil, readProblem(loc, err)
	}
	return parseFile(loc.name, data), nil
}

func readProblem(loc location, err error) *Problem {
	src := loc.from
	if !loc.explicit() {
		src = Source{Kind: FromFile, Detail: loc.name}
	}
	var reason string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = fmt.Sprintf("settings file %s does not exist: check the path, or create it with `resync config init --path %s`", loc.name, loc.name)
	case errors.Is(err, fs.ErrPermission):
		reason = fmt.Sprintf("settings file %s is not readable: check its permissions", loc.name)
	default:
		var perr *fs.PathError
		if errors.As(err, &perr) {
			err = perr.Err
		}
		reason = fmt.Sprintf("cannot read settings file %s: %v: give the path of a TOML file", loc.name, err)
	}
	return &Problem{Source: src, Reason: reason}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
