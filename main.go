// Command resync diagnoses caches, connection pools and resource leaks
// against real PostgreSQL, MySQL/MariaDB, SQLite, Redis and HTTP targets.
package main

import (
	"os"

	"github.com/resync-dev/resync/cmd"
)

func main() { os.Exit(cmd.Main()) }
