package config_test

import (
	"testing"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
)

// TestPoolDefaultsArePools: the pool defaults are pkg/pools' constants
// (see defaults.go for why they are not referenced directly yet).
func TestPoolDefaultsArePools(t *testing.T) {
	d := config.Defaults()
	tests := []struct {
		name string
		got  config.PoolConfig
		want config.PoolConfig
	}{
		{"DB", d.Pools.DB, config.PoolConfig{MinSize: pools.DefaultDBMinSize, MaxSize: pools.DefaultDBMaxSize,
			ConnectTimeout: pools.DefaultDBConnectTimeout, IdleTimeout: pools.DefaultDBIdleTimeout,
			MaxLifetime: pools.DefaultDBMaxLifetime, HealthCheckInterval: pools.DefaultDBHealthCheckInterval}},
		{"REDIS", d.Pools.Redis, config.PoolConfig{MinSize: pools.DefaultRedisMinSize, MaxSize: pools.DefaultRedisMaxSize,
			ConnectTimeout: pools.DefaultRedisConnectTimeout, IdleTimeout: pools.DefaultRedisIdleTimeout,
			MaxLifetime: pools.DefaultRedisMaxLifetime, HealthCheckInterval: pools.DefaultRedisHealthCheckInterval}},
		{"HTTP", d.Pools.HTTP, config.PoolConfig{MinSize: pools.DefaultHTTPMinSize, MaxSize: pools.DefaultHTTPMaxSize,
			ConnectTimeout: pools.DefaultHTTPConnectTimeout, IdleTimeout: pools.DefaultHTTPIdleTimeout,
			MaxLifetime: pools.DefaultHTTPMaxLifetime, HealthCheckInterval: pools.DefaultHTTPHealthCheckInterval}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s_POOL defaults = %+v, want pkg/pools' %+v", tt.name, tt.got, tt.want)
		}
	}
}
