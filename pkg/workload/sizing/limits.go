package sizing

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

// ServerLimit reads a server's own connection limit over a short-lived
// connection of its own, bounded by timeout:
//
//   - PostgreSQL: max_connections − superuser_reserved_connections −
//     reserved_connections (PostgreSQL 16+; 0 before);
//   - MySQL/MariaDB: @@max_connections;
//   - Redis: CONFIG GET maxclients.
//
// Other kinds (http, sqlite) have no such limit: it returns nil, nil.
// Errors name the target with its password redacted.
func ServerLimit(ctx context.Context, t target.Target, timeout time.Duration) (*Limit, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var l *Limit
	var err error
	switch t.Kind {
	case target.Postgres:
		l, err = postgresLimit(ctx, t.URL)
	case target.MySQL:
		l, err = mysqlLimit(ctx, t.URL)
	case target.Redis:
		l, err = redisLimit(ctx, t.URL)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the connection limit of %s: %s", t.Redacted(), redact.Text(err.Error()))
	}
	return l, nil
}

func postgresLimit(ctx context.Context, rawURL string) (*Limit, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["application_name"] = "resync"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var maxConns, superuser, reserved int
	err = conn.QueryRow(ctx, `SELECT current_setting('max_connections')::int,
		current_setting('superuser_reserved_connections')::int,
		coalesce(current_setting('reserved_connections', true), '0')::int`).Scan(&maxConns, &superuser, &reserved)
	if err != nil {
		return nil, err
	}
	src := fmt.Sprintf("max_connections %d − superuser_reserved_connections %d", maxConns, superuser)
	if reserved > 0 {
		src += fmt.Sprintf(" − reserved_connections %d", reserved)
	}
	return &Limit{Max: maxConns - superuser - reserved, Source: src}, nil
}

func mysqlLimit(ctx context.Context, rawURL string) (*Limit, error) {
	cfg, err := target.MySQLConfig(rawURL)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(1)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT @@max_connections").Scan(&n); err != nil {
		return nil, err
	}
	return &Limit{Max: n, Source: fmt.Sprintf("@@max_connections %d", n)}, nil
}

func redisLimit(ctx context.Context, rawURL string) (*Limit, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	opts.PoolSize, opts.MinIdleConns = 1, 0
	opts.ClientName = "resync"
	c := redis.NewClient(opts)
	defer c.Close()
	m, err := c.ConfigGet(ctx, "maxclients").Result()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(m["maxclients"])
	if err != nil {
		return nil, fmt.Errorf("CONFIG GET maxclients returned %q", m["maxclients"])
	}
	return &Limit{Max: n, Source: fmt.Sprintf("maxclients %d", n)}, nil
}
