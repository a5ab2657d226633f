package pools

import (
	"errors"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/pkg/target"
)

// mysqlQueryTag prefixes every MySQL query so that resync's statements are
// recognisable in the process list even where connection attributes are not
// visible (performance_schema off, the MariaDB default).
const mysqlQueryTag = "/* " + AppName + " */ "

// newMySQL converts a mysql:// URL into the driver's configuration
// (target.MySQLConfig: host:port or ?socket=, the query parameters being the
// driver's DSN parameters). Each pooled connection is one driver
// connection, identified by the connection attribute program_name=resync.
func newMySQL(rawURL string, o Options, op Operation) (*sqlDriver, error) {
	cfg, err := target.MySQLConfig(rawURL)
	if err != nil {
		return nil, err
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
	return &sqlDriver{connector: connector, query: mysqlQueryTag + q, tag: mysqlQueryTag, usable: func(err error) bool {
		var me *mysql.MySQLError
		return errors.As(err, &me)
	}}, nil
}
