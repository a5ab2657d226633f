package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/target"
)

const mysqlProcessSQL = `
SELECT p.ID, coalesce(p.USER, ''), coalesce(p.HOST, ''), coalesce(p.DB, ''), coalesce(p.COMMAND, ''),
       coalesce(p.TIME, 0), coalesce(p.STATE, ''), coalesce(LEFT(p.INFO, ?), '')%s
FROM information_schema.PROCESSLIST p%s
WHERE p.ID <> CONNECTION_ID()`

const mysqlTrxColumns = `,
       t.trx_id, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), t.trx_state, t.trx_rows_locked, t.trx_rows_modified`

const mysqlTrxJoin = `
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID`

// MySQL error numbers that mean a missing privilege.
const (
	errSpecificAccessDenied = 1227 // "you need (at least one of) the PROCESS privilege(s)"
	errTableAccessDenied    = 1142
	errAccessDenied         = 1044
)

// MySQL inspects a MySQL or MariaDB server through the process list joined
// with information_schema.INNODB_TRX.
func MySQL(ctx context.Context, rawURL string, o Options) (*Result, error) {
	o, err := o.withDefaults(KindMySQL)
	if err != nil {
		return nil, err
	}
	r := newResult(o, KindMySQL, rawURL)
	cfg, err := target.MySQLConfig(rawURL)
	if err != nil {
		return unreachable(r, err), err
	}
	cfg.ConnectionAttributes = "program_name:" + OwnName
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		err = fmt.Errorf("MySQL URL %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return connectFailed(r, rawURL, err)
	}
	defer conn.Close()
	r.Reachable = true

	fail := func(what string, err error) (*Result, error) {
		err = fmt.Errorf("%s of %s: %s", what, r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	var maxConn, perfSchema int
	if err := conn.QueryRowContext(ctx, "SELECT VERSION(), CURRENT_USER(), @@max_connections, @@performance_schema").
		Scan(&r.Server, &r.User, &maxConn, &perfSchema); err != nil {
		return fail("read settings", err)
	}
	var name string
	var threads int
	if err := conn.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Threads_connected'").Scan(&name, &threads); err != nil {
		return fail("read Threads_connected", err)
	}

	withTrx := true
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(mysqlProcessSQL, mysqlTrxColumns, mysqlTrxJoin), o.QueryMax+1)
	if isPrivilegeError(err) {
		withTrx = false
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingPrivilege,
			Message: fmt.Sprintf("%s lacks the PROCESS privilege: only its own sessions are visible and open transactions (INNODB_TRX) cannot be read, so leaks go unnoticed", r.User),
			Fix:     "GRANT PROCESS ON *.* TO " + quoteMySQLAccount(r.User) + ";",
		})
		rows, err = conn.QueryContext(ctx, fmt.Sprintf(mysqlProcessSQL, "", ""), o.QueryMax+1)
	}
	if err != nil {
		return fail("read the process list", err)
	}
	defer rows.Close()

	var sessions []session
	for rows.Next() {
		var (
			id                               int64
			user, host, dbName, command      string
			stateTime                        int64
			state, info                      string
			trxID, trxState                  sql.NullString
			trxAge, rowsLocked, rowsModified sql.NullInt64
		)
		dest := []any{&id, &user, &host, &dbName, &command, &stateTime, &state, &info}
		if withTrx {
			dest = append(dest, &trxID, &trxAge, &trxState, &rowsLocked, &rowsModified)
		}
		if err := rows.Scan(dest...); err != nil {
			return fail("read the process list", err)
		}
		if command == "Daemon" || command == "Binlog Dump" || command == "Binlog Dump GTID" || user == "system user" || user == "event_scheduler" {
			continue
		}
		inState := time.Duration(stateTime) * time.Second
		s := session{
			id: strconv.FormatInt(id, 10), user: user, addr: host, client: splitHost(host), db: dbName,
			state: command, query: info, age: -1, idle: -1, xact: -1, canIdle: true,
		}
		if state != "" && command != "Sleep" {
			s.state = command + ": " + state
		}
		if s.client == "localhost" && !strings.Contains(host, ":") {
			s.client = "local"
		}
		if command == "Sleep" {
			s.idle = inState
			s.long = inState > o.MaxLifetime
		}
		if trxID.Valid && trxAge.Valid {
			s.xact = time.Duration(trxAge.Int64) * time.Second
			s.extra = map[string]string{
				"thread_id": s.id, "trx_id": trxID.String, "trx_state": trxState.String,
				"rows_locked": strconv.FormatInt(rowsLocked.Int64, 10), "rows_modified": strconv.FormatInt(rowsModified.Int64, 10),
			}
		}
		sessions = append(sessions, s)
	}
	if err := rows.Err(); err != nil {
		return fail("read the process list", err)
	}
	rows.Close()

	own := o.mysqlOwn(ctx, conn, r, perfSchema == 1)
	for i := range sessions {
		s := &sessions[i]
		if own[s.id] {
			s.own, s.app = true, OwnName
		}
		if s.state == "Sleep" && s.xact > o.MaxLifetime {
			r.Leaks = append(r.Leaks, o.leakFor(*s, LeakOpenTransaction, resources.SeverityCritical, s.xact))
		}
	}
	r.Capacity = &Capacity{Used: max(threads-1, 0), Max: maxConn}
	o.finish(r, sessions)
	return r, nil
}

// mysqlOwn returns the thread ids whose connection attribute program_name
// marks them as resync's. It needs performance_schema; without it a finding
// says resync's connections are not told apart.
func (o Options) mysqlOwn(ctx context.Context, conn *sql.Conn, r *Result, perfSchema bool) map[string]bool {
	own := map[string]bool{}
	note := func(msg, fix string) {
		r.Findings = append(r.Findings, Finding{Severity: resources.SeverityInfo, Code: FindingOwnUnknown, Message: msg, Fix: fix})
	}
	if !perfSchema {
		note("performance_schema is off, so resync's own connections (program_name=resync) cannot be told apart from the others",
			"start the server with performance_schema=ON to see connection attributes")
		return own
	}
	rows, err := conn.QueryContext(ctx, `SELECT PROCESSLIST_ID, ATTR_VALUE FROM performance_schema.session_connect_attrs
		WHERE ATTR_NAME = 'program_name'`)
	if err != nil {
		note("cannot read performance_schema.session_connect_attrs ("+redact.Text(err.Error())+"), so resync's own connections cannot be told apart",
			"GRANT SELECT ON performance_schema.* TO "+quoteMySQLAccount(r.User)+";")
		return own
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if rows.Scan(&id, &v) == nil && IsOwn(v) {
			own[strconv.FormatInt(id, 10)] = true
		}
	}
	return own
}

func isPrivilegeError(err error) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Number {
	case errSpecificAccessDenied, errTableAccessDenied, errAccessDenied:
		return true
	}
	return false
}

// quoteMySQLAccount turns CURRENT_USER()'s "app@10.0.%" into 'app'@'10.0.%'.
func quoteMySQLAccount(account string) string {
	user, host, ok := strings.Cut(account, "@")
	if i := strings.LastIndex(account, "@"); i >= 0 {
		user, host, ok = account[:i], account[i+1:], true
	}
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	if !ok {
		return q(account)
	}
	return q(user) + "@" + q(host)
}
