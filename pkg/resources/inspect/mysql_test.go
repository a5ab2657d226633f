package inspect_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// myConnect opens one MySQL session for the test, straight through the
// driver (not through the inspector's own URL parsing).
func myConnect(t *testing.T, rawURL string) (*sql.Conn, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var id int64
	if err := c.QueryRowContext(context.Background(), "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return c, strconv.FormatInt(id, 10)
}

func TestMySQLOpenTransaction(t *testing.T) {
	myURL := testenv.MySQLURL(t)
	holder, thread := myConnect(t, myURL)
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TEMPORARY TABLE leak_probe (id INT PRIMARY KEY) ENGINE=InnoDB",
		"BEGIN",
		"INSERT INTO leak_probe VALUES (1)",
	} {
		if _, err := holder.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer holder.ExecContext(ctx, "ROLLBACK") //nolint:errcheck

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.MySQL(ctx, myURL, inspect.Options{Name: "database", MaxLifetime: time.Second})
	}
	r := eventually(t, "open-transaction leak", run, func(r *inspect.Result) bool {
		return findLeak(r, "thread_id", thread) != nil
	})
	l := findLeak(r, "thread_id", thread)
	if l.Kind != inspect.LeakOpenTransaction || l.Severity != resources.SeverityCritical || l.ID != thread || l.Lifetime <= time.Second {
		t.Errorf("leak = %+v, want a critical open_transaction leak older than 1s", l)
	}
	for k, want := range map[string]string{"state": "Sleep", "rows_modified": "1", "user": "root"} {
		if got := l.Evidence[k]; got != want {
			t.Errorf("evidence %s = %q, want %q (all: %v)", k, got, want, l.Evidence)
		}
	}
	for _, k := range []string{"client", "idle", "xact_age", "trx_id", "trx_state"} {
		if l.Evidence[k] == "" {
			t.Errorf("evidence %s missing: %v", k, l.Evidence)
		}
	}
	if c := r.Capacity; c == nil || c.Max <= 0 || c.Used < 1 {
		t.Errorf("capacity = %+v", c)
	}
	if r.Server == "" || r.User == "" {
		t.Errorf("server %q user %q", r.Server, r.User)
	}
}

// A sleeping session without a transaction is long-lived, not a leak.
func TestMySQLIdleIsNotALeak(t *testing.T) {
	myURL := testenv.MySQLURL(t)
	_, thread := myConnect(t, myURL)
	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.MySQL(ctx, myURL, inspect.Options{MaxLifetime: time.Second})
	}
	eventually(t, "idle session in long-lived groups", run, func(r *inspect.Result) bool {
		if findLeak(r, "thread_id", thread) != nil {
			t.Fatalf("idle session %s reported as a leak", thread)
		}
		for _, g := range r.LongLived {
			if g.User == "root" && g.IdleOver >= 1 && g.MaxIdleSeconds > 1 {
				return true
			}
		}
		return false
	})
}

func TestMySQLWithoutProcessPrivilege(t *testing.T) {
	myURL := testenv.MySQLURL(t)
	admin, _ := myConnect(t, myURL)
	ctx := context.Background()
	user := uniqueName("resync_probe_")
	if _, err := admin.ExecContext(ctx, "CREATE USER '"+user+"'@'%'"); err != nil {
		t.Skipf("cannot create a user to test with: %v", err)
	}
	defer admin.ExecContext(ctx, "DROP USER '"+user+"'@'%'") //nolint:errcheck
	u, _ := url.Parse(myURL)
	u.User = url.User(user)
	u.Path = "/"

	r, err := inspect.MySQL(ctx, u.String(), inspect.Options{MaxLifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var f *inspect.Finding
	for i := range r.Findings {
		if r.Findings[i].Code == inspect.FindingPrivilege {
			f = &r.Findings[i]
		}
	}
	if f == nil || f.Fix != "GRANT PROCESS ON *.* TO '"+user+"'@'%';" {
		t.Fatalf("findings = %+v, want the PROCESS finding with its GRANT", r.Findings)
	}
	if !r.Reachable || r.Capacity == nil {
		t.Errorf("result without privilege: reachable %v capacity %+v", r.Reachable, r.Capacity)
	}
}
