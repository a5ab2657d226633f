package config

import (
	"bytes"
	"fmt"
	"strings"
)

const referenceIntro = `# Configuration reference

<!-- Generated from pkg/config/keys.go by "go test ./pkg/config -run TestReferenceDoc -update". Do not edit. -->

resync reads its settings from, in increasing order of precedence:

1. the defaults below;
2. a TOML settings file;
3. environment variables;
4. command-line flags.

` + "`resync config show`" + ` prints the effective value of every key with its source,
` + "`resync config validate`" + ` checks a settings file, and ` + "`resync config init`" + ` writes one with
every default and a comment per key.

## The settings file

The first of these that is given or exists is read:

1. ` + "`--config FILE`" + `
2. ` + "`$RESYNC_CONFIG`" + `
3. ` + "`./settings.toml`" + `
4. ` + "`$XDG_CONFIG_HOME/resync/settings.toml`" + ` (` + "`~/.config/resync/settings.toml`" + ` when XDG_CONFIG_HOME is unset)

A file named by ` + "`--config`" + ` or ` + "`RESYNC_CONFIG`" + ` must exist.

Top-level tables are environments. ` + "`[default.*]`" + ` always applies; the environment chosen with
` + "`--env NAME`" + ` or ` + "`RESYNC_ENV=NAME`" + ` is applied over it key by key. Choosing an environment the
file does not have is an error.

` + "```toml" + `
[default.CONNECTION_POOL]
DB_POOL_MIN_SIZE = 20
DB_POOL_MAX_SIZE = 100

[default.TARGETS]
DATABASE_URLS = ["postgres://app@db:5432/app"]

[production.CONNECTION_POOL]   # with --env production
DB_POOL_MAX_SIZE = 200
` + "```" + `

Unknown tables and keys, wrong types, negative or zero sizes, a minimum above its maximum and
malformed or unsupported URLs are errors that name the key, the value and where it came from
(file and line, environment variable or flag); resync then exits with status 2 and runs nothing.

Times in seconds may be integers or fractions (` + "`0.5`" + `); a string holding a Go duration
(` + "`\"90s\"`, `\"1m30s\"`" + `) is accepted too. Empty environment variables are ignored.

` + "`resync serve`" + ` watches the settings file and reads it again when it changes: a valid edit
applies at the next report interval (the pools and the cache are reopened with the new sizes,
timeouts and bounds); a bad one is logged with its file and line and ignored, and the previous
settings stay in effect. Environment variables and flags keep their precedence over the file.
`

const referenceTargets = `
## Target URLs

| target | accepted forms |
|---|---|
| database | ` + "`postgres://`, `postgresql://`, `mysql://`, `sqlite://PATH`, `sqlite::memory:`" + ` |
| Redis | ` + "`redis://`, `rediss://`" + ` (TLS) |
| HTTP | ` + "`http://`, `https://`" + ` |

In environment variables and flags several URLs are separated by commas. Passwords and
secret query parameters (password, token, api_key, …) are shown as ` + "`***`" + ` in every output,
log line and error.
`

// Reference returns the Markdown configuration reference
// (docs/configuration.md), generated from Keys().
func Reference() []byte {
	var b bytes.Buffer
	b.WriteString(referenceIntro)
	table := ""
	for _, k := range registry {
		if k.Table() != table {
			table = k.Table()
			fmt.Fprintf(&b, "\n## [default.%s]\n\n| key | environment | type | default | description |\n|---|---|---|---|---|\n", table)
		}
		def := "—"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		typ := k.Type
		if k.Choices != nil {
			typ = strings.Join(k.Choices, " \\| ")
		}
		env := make([]string, len(k.Env))
		for i, e := range k.Env {
			env[i] = "`" + e + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", k.Field(), strings.Join(env, ", "), typ, def, k.Description)
	}
	b.WriteString(referenceTargets)
	return b.Bytes()
}
