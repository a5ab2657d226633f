package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// LoadOptions says where to look for configuration. Zero values mean the
// documented discovery: --config, RESYNC_CONFIG, ./settings.toml,
// $XDG_CONFIG_HOME/resync/settings.toml.
type LoadOptions struct {
	File      string                      // --config; "" = discover
	Env       string                      // --env; "" = RESYNC_ENV
	LookupEnv func(string) (string, bool) // os.LookupEnv when nil
	WorkDir   string                      // where ./settings.toml is looked for; "." when empty
	Flags     []FlagValue                 // command-line flags the user set, highest precedence
	// FileIsArg says File is a command's argument (config validate FILE)
	// rather than --config, for messages.
	FileIsArg bool
}

// FlagValue is one command-line flag the user set that overrides a key.
type FlagValue struct {
	Key   string // "WORKLOAD.DURATION", "TARGETS.DATABASE_URLS"
	Flag  string // "--duration"
	Value string // raw text, as given (lists comma-separated or repeated)
}

// Load applies defaults < settings file < environment variables < flags,
// then validates the result. On failure the error is an *Error listing
// every problem (exit code 2); nothing is half-loaded.
func Load(o LoadOptions) (*Config, error) {
	l := newLoader(o)
	c := Defaults()
	for _, k := range registry {
		c.Sources[k.Name] = Source{Kind: FromDefault}
	}
	var ps problems
	failed := map[string]bool{} // keys whose value could not be read
	fail := func(p Problem) {
		ps.add(p)
		if p.Key != "" {
			failed[p.Key] = true
		}
	}

	env, envFrom := l.env()
	if env != DefaultEnv {
		c.Env = env
	}
	f, p := l.readFile()
	switch {
	case p != nil:
		fail(*p) // an --env problem would only repeat this one
	case f != nil:
		c.File = f.name
		for _, p := range f.problemList() {
			fail(p)
		}
		f.apply(&c, env)
		fallthrough
	default:
		if p := l.checkEnv(f, env, envFrom); p != nil {
			fail(*p)
		}
	}

	for _, k := range registry {
		for _, name := range k.Env {
			v, ok := l.lookup(name)
			if !ok || strings.TrimSpace(v) == "" {
				continue
			}
			l.set(&c, k, v, Source{Kind: FromEnv, Detail: name}, fail)
			break
		}
	}
	for _, fv := range o.Flags {
		src := Source{Kind: FromFlag, Detail: fv.Flag}
		k, ok := LookupKey(fv.Key)
		if !ok {
			fail(Problem{Key: fv.Key, Source: src, Reason: fmt.Sprintf("%s is bound to unknown configuration key %q: this is a bug in resync, please report it", fv.Flag, fv.Key)})
			continue
		}
		l.set(&c, k, fv.Value, src, fail)
	}

	for _, p := range c.validate(failed) {
		ps.add(p)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &c, nil
}

// loader holds one Load's inputs.
type loader struct {
	o      LoadOptions
	lookup func(string) (string, bool)
}

func newLoader(o LoadOptions) *loader {
	l := &loader{o: o, lookup: o.LookupEnv}
	if l.lookup == nil {
		l.lookup = os.LookupEnv
	}
	if l.o.WorkDir == "" {
		l.o.WorkDir = "."
	}
	return l
}

// set parses a text value from an environment variable or a flag and
// stores it, or reports why it cannot.
func (l *loader) set(c *Config, k Key, raw string, src Source, fail func(Problem)) {
	v, err := k.fromText(raw)
	if err != nil {
		fail(Problem{Key: k.Name, Value: quoteValue(raw), Source: src, Reason: err.Error()})
		return
	}
	k.set(c, v)
	c.Sources[k.Name] = src
}

// env returns the environment table to apply and where that came from.
func (l *loader) env() (string, Source) {
	if l.o.Env != "" {
		return l.o.Env, Source{Kind: FromFlag, Detail: "--env"}
	}
	if v, ok := l.lookup("RESYNC_ENV"); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v), Source{Kind: FromEnv, Detail: "RESYNC_ENV"}
	}
	return DefaultEnv, Source{Kind: FromDefault}
}

// checkEnv reports an environment that the settings file does not have.
func (l *loader) checkEnv(f *settingsFile, env string, from Source) *Problem {
	if env == DefaultEnv {
		return nil
	}
	if f == nil {
		return &Problem{Source: from, Reason: fmt.Sprintf(
			"environment %q was selected but no settings file was found (looked for %s): pass --config FILE, or unset %s",
			env, strings.Join(l.candidates(), " and "), envSelector(from))}
	}
	if _, ok := f.envs[env]; ok || len(f.problems) > 0 && len(f.envs) == 0 {
		return nil
	}
	have := make([]string, len(f.order))
	for i, e := range f.order {
		have[i] = "[" + e + "]"
	}
	list := "no environment tables"
	if len(have) > 0 {
		list = strings.Join(have, ", ")
	}
	return &Problem{Source: from, Reason: fmt.Sprintf("environment %q is not in %s, which has %s: %s",
		env, f.name, list, join(didYouMean(suggest(env, f.order), strconv.Quote), "pick one of those or add ["+env+".TABLE] tables"))}
}

func envSelector(from Source) string {
	if from.Kind == FromFlag {
		return "--env"
	}
	return "RESYNC_ENV"
}

// quoteValue renders a raw env or flag value for a message, each
// comma-separated part redacted as a URL.
func quoteValue(raw string) string {
	parts := strings.Split(raw, ",")
	for i, p := range parts {
		parts[i] = redact.URL(p)
	}
	return strconv.Quote(strings.Join(parts, ","))
}
