package inspect

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
)

// hiddenQuery is what pg_stat_activity shows for sessions the role may not
// see in detail.
const hiddenQuery = "<insufficient privilege>"

const pgActivitySQL = `
SELECT pid, coalesce(usename, ''), coalesce(application_name, ''),
       coalesce(host(client_addr), ''), coalesce(client_port, -1),
       coalesce(backend_type, ''), coalesce(state, ''), coalesce(left(query, $1), ''),
       coalesce(datname, ''),
       extract(epoch FROM now() - backend_start)::float8,
       extract(epoch FROM now() - xact_start)::float8,
       extract(epoch FROM now() - state_change)::float8,
       extract(epoch FROM now() - query_start)::float8
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()`

const pgSettingsSQL = `
SELECT current_setting('server_version'), current_user,
       current_setting('max_connections')::int,
       current_setting('superuser_reserved_connections')::int,
       coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int,
       (SELECT coalesce(sum(numbackends), 0)::int FROM pg_stat_database)`

// Postgres inspects a PostgreSQL server through pg_stat_activity. A
// connection failure is returned as an error (already redacted) together
// with a result marked unreachable, so callers can report it and go on.
func Postgres(ctx context.Context, rawURL string, o Options) (*Result, error) {
	o, err := o.withDefaults(KindPostgres)
	if err != nil {
		return nil, err
	}
	r := newResult(o, KindPostgres, rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		err = fmt.Errorf("parse PostgreSQL URL %s: %s", redact.URL(rawURL), redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	cfg.RuntimeParams["application_name"] = OwnName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return connectFailed(r, rawURL, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	r.Reachable = true

	var maxConn, suReserved, reserved, numBackends int
	if err := conn.QueryRow(ctx, pgSettingsSQL).Scan(&r.Server, &r.User, &maxConn, &suReserved, &reserved, &numBackends); err != nil {
		err = fmt.Errorf("read settings of %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	rows, err := conn.Query(ctx, pgActivitySQL, o.QueryMax+1)
	if err != nil {
		err = fmt.Errorf("read pg_stat_activity of %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	var sessions []session
	var long []LongSession
	hidden := 0
	for rows.Next() {
		var (
			pid, port                     int
			user, app, host, btype, state string
			query, db                     string
			age, xact, idle, running      *float64
		)
		if err := rows.Scan(&pid, &user, &app, &host, &port, &btype, &state, &query, &db, &age, &xact, &idle, &running); err != nil {
			rows.Close()
			err = fmt.Errorf("read pg_stat_activity of %s: %s", r.URL, redact.Text(err.Error()))
			return unreachable(r, err), err
		}
		if query == hiddenQuery && btype == "" {
			if user != "" {
				hidden++
			}
			continue
		}
		if btype != "client backend" {
			continue // autovacuum, WAL writer, replication…
		}
		s := session{
			id: strconv.Itoa(pid), app: app, user: user, client: host, db: db,
			state: state, query: query, pgIdents: true, age: secs(age), xact: secs(xact), idle: -1, running: secs(running),
			own: IsOwn(app), canIdle: true, extra: map[string]string{"pid": strconv.Itoa(pid)},
		}
		if s.client == "" {
			s.client, s.addr = "local", "local"
		} else {
			s.addr = host + ":" + strconv.Itoa(port)
		}
		if state == "idle" || state == "idle in transaction" || state == "idle in transaction (aborted)" {
			s.idle = secs(idle)
		}
		s.long = s.age > o.MaxLifetime
		if (state == "idle in transaction" || state == "idle in transaction (aborted)") && s.idle > o.MaxLifetime {
			life := s.xact
			if life < 0 {
				life = s.idle
			}
			r.Leaks = append(r.Leaks, o.leakFor(s, LeakIdleInTransaction, resources.SeverityCritical, life))
		}
		if ls, ok := o.longRunning(s, pid); ok && !s.own {
			long = append(long, ls)
		}
		sessions = append(sessions, s)
	}
	if err := rows.Err(); err != nil {
		err = fmt.Errorf("read pg_stat_activity of %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}

	byPID := make(map[int]session, len(sessions))
	for _, s := range sessions {
		pid, _ := strconv.Atoi(s.id)
		byPID[pid] = s
	}
	if r.Blocking, err = pgBlocking(ctx, conn, byPID); err != nil {
		err = fmt.Errorf("read lock waits of %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	o.longFindings(r, long)
	for _, c := range r.Blocking {
		r.Findings = append(r.Findings, blockingFinding(c, o))
	}

	used := len(sessions) // this inspector left out
	note := ""
	if hidden > 0 {
		used = max(numBackends-1, 0)
		note = "counted from pg_stat_database.numbackends: sessions of other roles are hidden"
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingPrivilege,
			Message: fmt.Sprintf("%d sessions of other roles are hidden from %q: their state, age and query cannot be seen, so leaks among them go unnoticed", hidden, r.User),
			Fix:     fmt.Sprintf("GRANT pg_read_all_stats TO %s;", pgx.Identifier{r.User}.Sanitize()),
		})
	}
	r.Capacity = &Capacity{Used: used, Max: maxConn, Reserved: suReserved + reserved, Note: note}
	o.finish(r, sessions)
	return r, nil
}
