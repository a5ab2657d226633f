package config_test

import (
	"testing"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/pools"
)

// TestPoolDefaultsArePools: the pool defaults, as pool options, are
// pkg/pools' documented constants.
func TestPoolDefaultsArePools(t *testing.T) {
	d := config.Defaults()
	tests := []struct {
		name string
		got  pools.Options
		want pools.Options
	}{
		{"DB", d.Pools.DB.Options(), pools.Options{MinSize: pools.DefaultDBMinSize, MaxSize: pools.DefaultDBMaxSize,
			ConnectTimeout: pools.DefaultDBConnectTimeout, IdleTimeout: pools.DefaultDBIdleTimeout,
			MaxLifetime: pools.DefaultDBMaxLifetime, HealthCheckInterval: pools.DefaultDBHealthCheckInterval}},
		{"REDIS", d.Pools.Redis.Options(), pools.Options{MinSize: pools.DefaultRedisMinSize, MaxSize: pools.DefaultRedisMaxSize,
			ConnectTimeout: pools.DefaultRedisConnectTimeout, IdleTimeout: pools.DefaultRedisIdleTimeout,
			MaxLifetime: pools.DefaultRedisMaxLifetime, HealthCheckInterval: pools.DefaultRedisHealthCheckInterval}},
		{"HTTP", d.Pools.HTTP.Options(), pools.Options{MinSize: pools.DefaultHTTPMinSize, MaxSize: pools.DefaultHTTPMaxSize,
			ConnectTimeout: pools.DefaultHTTPConnectTimeout, IdleTimeout: pools.DefaultHTTPIdleTimeout,
			MaxLifetime: pools.DefaultHTTPMaxLifetime, HealthCheckInterval: pools.DefaultHTTPHealthCheckInterval}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s_POOL defaults = %+v, want pkg/pools' %+v", tt.name, tt.got, tt.want)
		}
	}
}
