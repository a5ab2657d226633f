package config

import (
	"strings"

	"github.com/resync-dev/resync/pkg/target"
)

// List is the configured targets, classified and named by target.FromURLs
// ("database", "database2", …, "redis", "http", "http2", …).
func (t TargetsConfig) List() ([]target.Target, error) {
	return target.FromURLs(t.DatabaseURLs, t.RedisURL, t.HTTPURLs)
}

// For is the pool settings of a target kind: DB_POOL_* for the databases,
// REDIS_POOL_* for Redis, HTTP_POOL_* for HTTP.
func (p PoolsConfig) For(k target.Kind) PoolConfig {
	switch k {
	case target.Redis:
		return p.Redis
	case target.HTTP:
		return p.HTTP
	default:
		return p.DB
	}
}

// splitURLs splits a comma-separated list of URLs. A piece that does not
// start with a scheme is glued back to the previous one, so a PostgreSQL
// multi-host URL (postgres://h1,h2/db) survives.
func splitURLs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if len(out) > 0 && !hasScheme(p) {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func hasScheme(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "sqlite:") {
		return true
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for _, r := range s[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
