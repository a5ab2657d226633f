package config

import (
	"bytes"
	"fmt"
	"strings"
)

const sampleHeader = `# resync settings, written by "resync config init". Every value is the default.
#
# Top-level tables are environments: [default.*] always applies, and the
# environment chosen with --env NAME or RESYNC_ENV=NAME overrides it, e.g.
#
#   [production.CONNECTION_POOL]
#   DB_POOL_MAX_SIZE = 200
#
# Environment variables override this file and command-line flags override
# both; "resync config show" prints every value with its source. Times are
# in seconds unless a key says otherwise. Target URLs may carry passwords:
# keep this file private (resync prints them as ***).
`

// Sample returns a commented settings.toml holding every key at its
// default, generated from Keys(). Keys without a default (the targets) are
// written as commented-out examples. Loading it yields Defaults().
func Sample() []byte {
	var b bytes.Buffer
	b.WriteString(sampleHeader)
	def := Defaults()
	table := ""
	for _, k := range registry {
		if k.Table() != table {
			table = k.Table()
			fmt.Fprintf(&b, "\n[%s.%s]\n", DefaultEnv, table)
		}
		fmt.Fprintf(&b, "\n# %s\n# Env: %s.", k.Description, strings.Join(k.Env, ", "))
		switch k.Type {
		case TypeURLList:
			b.WriteString(" Several URLs are comma-separated there.")
		case TypeList:
			b.WriteString(" Several are comma-separated there.")
		}
		b.WriteString("\n")
		if k.Default == "" {
			fmt.Fprintf(&b, "# %s = %s\n", k.Field(), k.sampleLiteral())
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", k.Field(), k.literal(&def))
	}
	return b.Bytes()
}
