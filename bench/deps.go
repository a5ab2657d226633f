//go:build tools

// Package bench compares resync's cache and pool with their peers. Peers
// live only in this module, never in resync's own go.mod.
package bench

import (
	_ "github.com/dgraph-io/ristretto/v2"
	_ "github.com/hashicorp/golang-lru/v2/expirable"
	_ "github.com/jackc/puddle/v2"
	_ "github.com/maypok86/otter/v2"
	_ "github.com/resync-dev/resync/pkg/cache"
)
