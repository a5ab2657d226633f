package config_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/config"
)

// sample is a value for each key type that differs from every default, as
// TOML and as the text of a variable or flag, and what Key.Value gives
// back for it.
type sample struct{ toml, text string }

func sampleFor(k config.Key) (sample, any) {
	switch k.Type {
	case config.TypeInt:
		if strings.HasSuffix(k.Name, "MIN_SIZE") {
			return sample{"3", "3"}, 3
		}
		return sample{"123", "123"}, 123
	case config.TypeSeconds:
		return sample{"7", "7"}, 7.0
	case config.TypeDuration:
		return sample{`"7s"`, "7s"}, "7s"
	case config.TypeNumber:
		return sample{"2.5", "2.5"}, 2.5
	case config.TypeURL:
		return sample{`"rediss://u:pw@cache:6380/1"`, "rediss://u:pw@cache:6380/1"}, "rediss://u:***@cache:6380/1"
	case config.TypeURLList:
		u := "postgres://app@db:5432/app"
		if strings.Contains(k.Name, "HTTP") || strings.Contains(k.Name, "METRICS") {
			u = "https://api.example.com/health"
		}
		if strings.Contains(k.Name, "PGBOUNCER") {
			u = "postgres://stats@pgb:6432/pgbouncer"
		}
		return sample{`["` + u + `"]`, u}, []string{u}
	case config.TypeList:
		return sample{`["*.p99<5ms"]`, "*.p99<5ms"}, []string{"*.p99<5ms"}
	default: // a string with choices
		return sample{`"hotset"`, "hotset"}, "hotset"
	}
}

// perSource loads with every key set in exactly one layer and checks each
// key's value and source.
func perSource(t *testing.T, layer string, lookup func(map[string]string) func(string) (string, bool)) {
	t.Helper()
	dir := t.TempDir()
	var file strings.Builder
	vars := map[string]string{}
	var flags []config.FlagValue
	table := ""
	for _, k := range config.Keys() {
		s, _ := sampleFor(k)
		switch layer {
		case "file":
			if k.Table() != table {
				table = k.Table()
				fmt.Fprintf(&file, "[default.%s]\n", table)
			}
			fmt.Fprintf(&file, "%s = %s\n", k.Field(), s.toml)
		case "env":
			vars[k.Env[0]] = s.text
		case "flag":
			flags = append(flags, config.FlagValue{Key: k.Name, Flag: "--" + strings.ToLower(k.Field()), Value: s.text})
		}
	}
	if file.Len() > 0 {
		writeFile(t, dir, "settings.toml", file.String())
	}
	c := mustLoad(t, config.LoadOptions{WorkDir: dir, LookupEnv: lookup(vars), Flags: flags})
	lines := strings.Split(file.String(), "\n")
	for _, k := range config.Keys() {
		t.Run(k.Name, func(t *testing.T) {
			s, want := sampleFor(k)
			var wantSrc config.Source
			switch layer {
			case "default":
				d := config.Defaults()
				want, wantSrc = k.Value(&d), config.Source{Kind: config.FromDefault}
			case "file":
				for i, l := range lines {
					if l == k.Field()+" = "+s.toml {
						wantSrc = config.Source{Kind: config.FromFile, Detail: fmt.Sprintf("settings.toml:%d", i+1)}
					}
				}
			case "env":
				wantSrc = config.Source{Kind: config.FromEnv, Detail: k.Env[0]}
			case "flag":
				wantSrc = config.Source{Kind: config.FromFlag, Detail: "--" + strings.ToLower(k.Field())}
			}
			if got := k.Value(c); !reflect.DeepEqual(got, want) {
				t.Errorf("value = %#v, want %#v", got, want)
			}
			if got := c.Sources[k.Name]; got != wantSrc {
				t.Errorf("source = %v, want %v", got, wantSrc)
			}
		})
	}
}

func TestSourceDefault(t *testing.T) { perSource(t, "default", env) }
func TestSourceFile(t *testing.T)    { perSource(t, "file", env) }
func TestSourceEnv(t *testing.T)     { perSource(t, "env", env) }
func TestSourceFlag(t *testing.T)    { perSource(t, "flag", env) }

// TestSourceProcessEnv: with no LookupEnv, viper reads the process
// environment itself through the variables bound with BindEnv.
func TestSourceProcessEnv(t *testing.T) {
	perSource(t, "env", func(vars map[string]string) func(string) (string, bool) {
		for k, v := range vars {
			t.Setenv(k, v)
		}
		return nil
	})
}

// TestLayerOrder stacks the layers one by one over the same keys of every
// type, in the process environment (viper's own env layer) and with an
// injected lookup: each new layer wins over the ones below it.
func TestLayerOrder(t *testing.T) {
	keys := []string{"ASYNC_CACHE.NUM_SHARDS", "ASYNC_CACHE.TTL_SECONDS", "WORKLOAD.DURATION", "WORKLOAD.RATE",
		"WORKLOAD.DISTRIBUTION", "TARGETS.REDIS_URL", "TARGETS.DATABASE_URLS"}
	values := map[string][3]string{ // file (TOML), env, flag
		"ASYNC_CACHE.NUM_SHARDS":  {"16", "32", "64"},
		"ASYNC_CACHE.TTL_SECONDS": {"90", "120", "5m"},
		"WORKLOAD.DURATION":       {`"1m"`, "2m", "3"},
		"WORKLOAD.RATE":           {"1", "2.5", "4"},
		"WORKLOAD.DISTRIBUTION":   {`"uniform"`, "hotset", "ZIPF"},
		"TARGETS.REDIS_URL":       {`"redis://file"`, "redis://env", "redis://flag"},
		"TARGETS.DATABASE_URLS":   {`["sqlite::memory:"]`, "mysql://env@db/a", "postgres://flag@db/a,sqlite://x.db"},
	}
	want := map[string][4]string{ // default, file, env, flag as Key.Text
		"ASYNC_CACHE.NUM_SHARDS":  {"8", "16", "32", "64"},
		"ASYNC_CACHE.TTL_SECONDS": {"60", "90", "120", "300"},
		"WORKLOAD.DURATION":       {"10s", "1m0s", "2m0s", "3s"},
		"WORKLOAD.RATE":           {"0", "1", "2.5", "4"},
		"WORKLOAD.DISTRIBUTION":   {"zipf", "uniform", "hotset", "zipf"},
		"TARGETS.REDIS_URL":       {"", "redis://file", "redis://env", "redis://flag"},
		"TARGETS.DATABASE_URLS":   {"", "sqlite::memory:", "mysql://env@db/a", "postgres://flag@db/a,sqlite://x.db"},
	}
	kinds := []config.SourceKind{config.FromDefault, config.FromFile, config.FromEnv, config.FromFlag}
	for _, process := range []bool{false, true} {
		for depth := range 4 {
			t.Run(fmt.Sprintf("process=%v/%s", process, kinds[depth]), func(t *testing.T) {
				dir := t.TempDir()
				var file strings.Builder
				file.WriteString("[default]\n")
				vars := map[string]string{}
				var flags []config.FlagValue
				for _, name := range keys {
					k, _ := config.LookupKey(name)
					if depth >= 1 {
						fmt.Fprintf(&file, "%s = %s\n", name, values[name][0])
					}
					if depth >= 2 {
						vars[k.Env[0]] = values[name][1]
					}
					if depth >= 3 {
						flags = append(flags, config.FlagValue{Key: name, Flag: "--x", Value: values[name][2]})
					}
				}
				if depth >= 1 {
					writeFile(t, dir, "settings.toml", file.String())
				}
				o := config.LoadOptions{WorkDir: dir, LookupEnv: env(vars), Flags: flags}
				if process {
					for k, v := range vars {
						t.Setenv(k, v)
					}
					o.LookupEnv = nil
				}
				c := mustLoad(t, o)
				for _, name := range keys {
					k, _ := config.LookupKey(name)
					if got := k.Text(c); got != want[name][depth] {
						t.Errorf("%s = %q, want %q", name, got, want[name][depth])
					}
					if got := c.Sources[name].Kind; got != kinds[depth] {
						t.Errorf("%s from %v, want %v", name, got, kinds[depth])
					}
				}
			})
		}
	}
}

// TestProcessEnvBlankAndAlias: in the process environment too, a blank
// variable is ignored and the primary name beats its alias.
func TestProcessEnvBlankAndAlias(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "settings.toml", "[default.TARGETS]\nREDIS_URL = \"redis://file\"\n")
	t.Setenv("RESYNC_REDIS_URL", "  ")
	t.Setenv("REDIS_URL", "")
	t.Setenv("RESYNC_DATABASE_URL", "mysql://primary@db/app")
	t.Setenv("DATABASE_URL", "postgres://alias@db/app")
	c := mustLoad(t, config.LoadOptions{WorkDir: dir})
	if c.Targets.RedisURL != "redis://file" {
		t.Errorf("RedisURL = %q, want the file's", c.Targets.RedisURL)
	}
	if got := strings.Join(c.Targets.DatabaseURLs, ","); got != "mysql://primary@db/app" || c.Sources["TARGETS.DATABASE_URLS"].Detail != "RESYNC_DATABASE_URL" {
		t.Errorf("DatabaseURLs = %s from %v", got, c.Sources["TARGETS.DATABASE_URLS"])
	}
}
