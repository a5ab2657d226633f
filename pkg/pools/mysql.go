package pools

import (
	"errors"
	"net"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// mysqlQueryTag prefixes every MySQL query so that resync's statements are
// recognisable in the process list even where connection attributes are not
// visible (performance_schema off, the MariaDB default).
const mysqlQueryTag = "/* " + AppName + " */ "

// newMySQL converts mysql://user:pass@host:port/db?param=… into the driver's
// configuration: the query parameters are the driver's DSN parameters (tls,
// charset, …). Each pooled connection is one driver connection, identified
// by the connection attribute program_name=resync.
func newMySQL(rawURL string, o Options, op Operation) (*sqlDriver, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	dsn := "tcp(" + addr + ")/" + strings.TrimPrefix(u.Path, "/")
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	attr := "program_name:" + AppName
	if cfg.ConnectionAttributes != "" {
		attr = cfg.ConnectionAttributes + "," + attr
	}
	cfg.ConnectionAttributes = attr
	cfg.Timeout = o.ConnectTimeout
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	q := op.Query
	if q == "" {
		q = "SELECT 1"
	}
	return &sqlDriver{connector: connector, query: mysqlQueryTag + q, usable: func(err error) bool {
		var me *mysql.MySQLError
		return errors.As(err, &me)
	}}, nil
}
