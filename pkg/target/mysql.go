package target

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/pkg/redact"
)

// DefaultMySQLPort is the port of a mysql:// URL that names none.
const DefaultMySQLPort = "3306"

// MySQLConfig turns mysql://user:pass@host:port/db?param=value into the
// go-sql-driver configuration. Query parameters are the driver's own DSN
// parameters (tls, timeout, charset, …); ?socket=/path connects over a Unix
// socket instead of host:port (port 3306 when none is given). The password
// never passes through a DSN string, so any character is safe in it.
// Errors are redacted.
func MySQLConfig(raw string) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse MySQL URL %s: %w", redact.URL(raw), malformed(raw, err))
	}
	if !strings.EqualFold(u.Scheme, "mysql") {
		return nil, fmt.Errorf("MySQL URL %s must start with mysql://", redact.URL(raw))
	}
	q := u.Query()
	socket := q.Get("socket")
	q.Del("socket")
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("MySQL URL %s: %s", redact.URL(raw), redact.Text(err.Error()))
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	switch {
	case socket != "":
		cfg.Net, cfg.Addr = "unix", socket
	case u.Hostname() == "":
		return nil, fmt.Errorf("MySQL URL %s has no host: use mysql://user@host:3306/db, or ?socket=/path for a Unix socket", redact.URL(raw))
	default:
		port := u.Port()
		if port == "" {
			port = DefaultMySQLPort
		}
		cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(u.Hostname(), port)
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	return cfg, nil
}
