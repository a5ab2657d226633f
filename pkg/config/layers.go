package config

import (
	"fmt"
	"reflect"
	"time"

	"github.com/spf13/viper"
)

// layers is one invocation's viper instance (never the global one) and
// where each key's value came from. Viper resolves the precedence
// (defaults < file < env < flags); it keeps no positions, so the Source of
// every key is recorded here as each layer is added, and every value is
// checked before it reaches viper: a problem names the file:line, variable
// or flag it came from.
type layers struct {
	v       *viper.Viper
	sources map[string]Source
}

// newLayers returns a fresh viper with a default for every declared key
// (Keys() is the one list), so viper knows every key when decoding.
func newLayers() *layers {
	ls := &layers{v: viper.New(), sources: make(map[string]Source, len(registry))}
	d := Defaults()
	for _, k := range registry {
		ls.v.SetDefault(k.Name, k.get(&d))
		ls.sources[k.Name] = Source{Kind: FromDefault}
	}
	return ls
}

// mergeFile merges the settings file's [default] tables and then those of
// env over them, as viper's config layer. Only entries whose type checked
// out are merged.
func (ls *layers) mergeFile(f *settingsFile, env string) {
	names := []string{DefaultEnv}
	if env != "" && env != DefaultEnv {
		names = append(names, env)
	}
	for _, name := range names {
		tables := map[string]any{}
		for _, e := range f.envs[name] {
			t, ok := tables[e.key.Table()].(map[string]any)
			if !ok {
				t = map[string]any{}
				tables[e.key.Table()] = t
			}
			t[e.key.Field()] = e.value
			ls.sources[e.key.Name] = f.at(e.line)
		}
		if len(tables) > 0 {
			// Merging a map of maps cannot fail; the error is for
			// encoded input.
			_ = ls.v.MergeConfigMap(tables)
		}
	}
}

// bindEnv adds the variable name (already checked) for key k. With the
// process environment viper reads it itself through BindEnv; a custom
// lookup (tests) is invisible to viper, so its value is set instead,
// before any flag, which then still wins. Only the variable that applies is
// bound: viper would take a blank one ("  ") over a later alias, which
// resync ignores.
func (ls *layers) bindEnv(k Key, name, value string, process bool) {
	if process {
		_ = ls.v.BindEnv(k.Name, name) // fails only without a key
	} else {
		ls.v.Set(k.Name, value)
	}
	ls.sources[k.Name] = Source{Kind: FromEnv, Detail: name}
}

// setFlag adds a flag the user set (already checked), viper's top layer.
func (ls *layers) setFlag(k Key, flag, value string) {
	ls.v.Set(k.Name, value)
	ls.sources[k.Name] = Source{Kind: FromFlag, Detail: flag}
}

// decode reads every key back from viper into a typed Config. Keys in
// skip could not be read from some layer (the problem is reported
// already); they keep their default so validation has a value to skip.
func (ls *layers) decode(skip map[string]bool) (Config, []Problem) {
	c := Defaults()
	c.Sources = ls.sources
	var ps []Problem
	for _, k := range registry {
		if skip[k.Name] {
			continue
		}
		val, err := k.fromViper(ls.v.Get(k.Name))
		if err != nil {
			// Unreachable when the layers were checked; kept so a viper
			// surprise is a message, not a panic.
			ps = append(ps, Problem{Key: k.Name, Source: ls.sources[k.Name], Reason: err.Error()})
			continue
		}
		k.set(&c, val)
	}
	return c, ps
}

// fromViper converts what viper holds for k: a typed value from the
// defaults or the file, or text from a variable or flag.
func (k Key) fromViper(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return k.get(&Config{}), nil
	case string:
		return k.fromText(x)
	default:
		if reflect.TypeOf(x) == reflect.TypeOf(k.get(&Config{})) {
			return x, nil
		}
	}
	return nil, fmt.Errorf("internal error: viper holds %T for %s: please report this bug", v, k.Name)
}

// get returns the key's value in c, unredacted, in its Go type.
func (k Key) get(c *Config) any {
	switch p := k.field(c).(type) {
	case *int:
		return *p
	case *time.Duration:
		return *p
	case *float64:
		return *p
	case *string:
		return *p
	case *[]string:
		return *p
	}
	return nil
}
