package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/resync-dev/resync/pkg/config"
)

// Settings come from the defaults, then the file (default table, then the
// --env table), then the environment, then flags; every value says where it
// came from.
func ExampleLoad() {
	dir, err := os.MkdirTemp("", "resync-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	settings := `[default.CONNECTION_POOL]
DB_POOL_MAX_SIZE = 50

[production.CONNECTION_POOL]
DB_POOL_MAX_SIZE = 80
`
	if err := os.WriteFile(filepath.Join(dir, "settings.toml"), []byte(settings), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	env := map[string]string{"DB_POOL_MIN_SIZE": "10"}
	cfg, err := config.Load(config.LoadOptions{WorkDir: dir, Env: "production",
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, key := range []string{"CONNECTION_POOL.DB_POOL_MAX_SIZE", "CONNECTION_POOL.DB_POOL_MIN_SIZE", "CONNECTION_POOL.REDIS_POOL_MAX_SIZE"} {
		fmt.Println(key, "from", cfg.Sources[key])
	}
	fmt.Println("db pool", cfg.Pools.DB.MinSize, "to", cfg.Pools.DB.MaxSize)
	// Output:
	// CONNECTION_POOL.DB_POOL_MAX_SIZE from file settings.toml:5
	// CONNECTION_POOL.DB_POOL_MIN_SIZE from env DB_POOL_MIN_SIZE
	// CONNECTION_POOL.REDIS_POOL_MAX_SIZE from default
	// db pool 10 to 80
}
