package config

// LoadOptions says where to look for configuration. Zero values mean the
// documented discovery: --config, RESYNC_CONFIG, ./settings.toml,
// $XDG_CONFIG_HOME/resync/settings.toml.
type LoadOptions struct {
	File      string                      // --config; "" = discover
	Env       string                      // --env; "" = RESYNC_ENV
	LookupEnv func(string) (string, bool) // os.LookupEnv when nil
	WorkDir   string                      // where ./settings.toml is looked for; "." when empty
	Flags     []FlagValue                 // command-line flags the user set, highest precedence
}

// FlagValue is one command-line flag the user set that overrides a key.
type FlagValue struct {
	Key   string // "WORKLOAD.DURATION", "TARGETS.DATABASE_URLS"
	Flag  string // "--duration"
	Value string // raw text, as given (lists comma-separated or repeated)
}

// Load applies defaults < file < environment < flags and validates the
// result. TODO(config helper): the real implementation replaces this.
func Load(o LoadOptions) (*Config, error) {
	c := Defaults()
	return &c, nil
}
