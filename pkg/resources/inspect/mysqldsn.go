package inspect

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/pkg/redact"
)

// mysqlConfig turns mysql://user:pass@host:port/db?param=value into the
// driver's Config. Query parameters are the driver's own DSN parameters
// (tls, timeout, …); ?socket=/path connects over a Unix socket. The
// password never passes through a DSN string, so any character is safe.
func mysqlConfig(rawURL string) (*mysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse MySQL URL %s: %s", redact.URL(rawURL), redact.Text(err.Error()))
	}
	if u.Scheme != "mysql" {
		return nil, fmt.Errorf("MySQL URL %s must start with mysql://", redact.URL(rawURL))
	}
	q := u.Query()
	socket := q.Get("socket")
	q.Del("socket")
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("MySQL URL %s: %s", redact.URL(rawURL), redact.Text(err.Error()))
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	switch {
	case socket != "":
		cfg.Net, cfg.Addr = "unix", socket
	default:
		host := u.Host
		if host == "" {
			host = "127.0.0.1"
		}
		if u.Port() == "" {
			host = strings.TrimSuffix(host, ":") + ":3306"
		}
		cfg.Net, cfg.Addr = "tcp", host
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	return cfg, nil
}
