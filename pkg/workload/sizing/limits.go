package sizing

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
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
// It also reads the connections already open by other clients (InUse, the
// reading connection itself excluded): PostgreSQL client backends in
// pg_stat_activity, MySQL Threads_connected, Redis INFO connected_clients.
// Our own pools are closed between steps, so a re-read counts only others
// (a backend still exiting is counted too, which errs on the safe side).
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
	var maxConns, superuser, reserved, inUse int
	err = conn.QueryRow(ctx, `SELECT current_setting('max_connections')::int,
		current_setting('superuser_reserved_connections')::int,
		coalesce(current_setting('reserved_connections', true), '0')::int,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int`).
		Scan(&maxConns, &superuser, &reserved, &inUse)
	if err != nil {
		return nil, err
	}
	src := fmt.Sprintf("max_connections %d − superuser_reserved_connections %d", maxConns, superuser)
	if reserved > 0 {
		src += fmt.Sprintf(" − reserved_connections %d", reserved)
	}
	return newLimit(maxConns-superuser-reserved, inUse, src), nil
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
	var n, threads int
	var name string
	if err := db.QueryRowContext(ctx, "SELECT @@max_connections").Scan(&n); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Threads_connected'").Scan(&name, &threads); err != nil {
		return nil, err
	}
	return newLimit(n, max(0, threads-1), fmt.Sprintf("@@max_connections %d", n)), nil
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
	info, err := c.InfoMap(ctx, "clients").Result()
	if err != nil {
		return nil, err
	}
	clients, err := strconv.Atoi(info["Clients"]["connected_clients"])
	if err != nil {
		return nil, fmt.Errorf("INFO clients returned no connected_clients")
	}
	return newLimit(n, max(0, clients-1), fmt.Sprintf("maxclients %d", n)), nil
}

// newLimit fills in the margin (see Margin).
func newLimit(maxConns, inUse int, source string) *Limit {
	return &Limit{Max: maxConns, InUse: inUse, Margin: Margin(maxConns), Source: source}
}

// Margin is the connections a sweep always leaves free on a server allowing
// maxConns: 5 % of the limit, at least 2 — room for a monitoring session and
// for a client that connects between two re-reads.
func Margin(maxConns int) int { return max(2, (maxConns+19)/20) }

// Budget is how many connections one of instances may open: (Max − InUse −
// Margin) ÷ instances, never below 0.
func (l *Limit) Budget(instances int) int {
	return max(0, (l.Max-l.InUse-l.Margin)/max(1, instances))
}

// refusalMarks are the servers' messages for "no connection slot left".
var refusalMarks = []string{
	"too many clients",              // PostgreSQL 53300
	"remaining connection slots",    // PostgreSQL, reserved slots
	"max number of clients reached", // Redis
	"too many connections",          // MySQL/MariaDB 1040
	"error 1040",                    // MySQL/MariaDB
}

// IsRefusal reports whether msg is a server refusing a connection for lack
// of slots.
func IsRefusal(msg string) bool {
	m := strings.ToLower(msg)
	for _, r := range refusalMarks {
		if strings.Contains(m, r) {
			return true
		}
	}
	return false
}
