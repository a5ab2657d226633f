package testenv

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PgbouncerOptions configure a private pgbouncer.
type PgbouncerOptions struct {
	// PoolSize is default_pool_size and the test database's pool_size;
	// zero means 2.
	PoolSize int
	// MaxClientConn is max_client_conn; zero means 50.
	MaxClientConn int
	// PoolMode is pool_mode; "" means transaction.
	PoolMode string
}

// The users of a private pgbouncer's userlist (auth_type trust: no
// password, but pgbouncer still wants the name listed).
const (
	PgbouncerAdminUser = "postgres"        // admin_users; also the backend user
	PgbouncerStatsUser = "pgbouncer_stats" // stats_users: SHOW only
	PgbouncerPlainUser = "pgbouncer_plain" // neither: the console refuses it
)

// PgbouncerDB is the name of the test database in the private pgbouncer's
// [databases], pointing at the shared PostgreSQL's database.
const PgbouncerDB = "test"

// PrivatePgbouncer is a pgbouncer of the test's own on a free port, in
// front of the shared PostgreSQL (RESYNC_TEST_POSTGRES_URL), whose
// configuration it never touches.
type PrivatePgbouncer struct {
	// URL connects through pgbouncer to database PgbouncerDB as the
	// backend URL's user.
	URL string
	// User is the backend URL's user: the pool is PgbouncerDB/User.
	User string
	// AdminURL and StatsURL connect to the admin console (database
	// pgbouncer) as PgbouncerAdminUser and PgbouncerStatsUser.
	AdminURL, StatsURL string
	Port               int
	LogFile            string
	PoolSize           int
}

// StartPgbouncer writes a pgbouncer.ini and userlist in a temp dir and runs
// pgbouncer on a free loopback port in front of the shared PostgreSQL
// (LaunchPgbouncer); it is stopped by its PID when the test ends. Without
// pgbouncer the test is skipped, or fails when
// RESYNC_TEST_REQUIRE_SERVICES=1 (.ci/run installs Debian's package).
func StartPgbouncer(tb testing.TB, o PgbouncerOptions) *PrivatePgbouncer {
	tb.Helper()
	if PgbouncerBin() == "" {
		if Required() {
			tb.Fatal(PgbouncerMissing)
		}
		tb.Skip(PgbouncerMissing + ": skipping")
	}
	p, stop, err := LaunchPgbouncer(tb.TempDir(), PostgresURL(tb), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return p
}

// PgbouncerMissing says pgbouncer is not installed and how to install it.
const PgbouncerMissing = "pgbouncer is not installed (apt-get install pgbouncer; .ci/run installs it)"

// LaunchPgbouncer runs a pgbouncer with its files in dir, on a free
// loopback port, in front of the PostgreSQL at backendURL (auth_type trust;
// admin_users and stats_users set; no Unix socket; stats averaged every
// second), and waits until it listens. pgbouncer refuses to run as root,
// so as root it is started with -u nobody: it reads its files as root,
// then drops to nobody before it opens anything else (its log goes to
// stderr, captured in LogFile). stop ends it by its PID (SIGTERM, then
// SIGKILL after 10 s). For callers without a testing.TB (testscript
// commands); tests use StartPgbouncer.
func LaunchPgbouncer(dir, backendURL string, o PgbouncerOptions) (p *PrivatePgbouncer, stop func(), err error) {
	bin := PgbouncerBin()
	if bin == "" {
		return nil, nil, errors.New(PgbouncerMissing)
	}
	backend, err := url.Parse(backendURL)
	if err != nil {
		return nil, nil, fmt.Errorf("backend URL: %v", err)
	}
	o = o.withDefaults()
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	p = &PrivatePgbouncer{
		URL:      fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", backend.User.Username(), port, PgbouncerDB),
		AdminURL: fmt.Sprintf("postgres://%s@127.0.0.1:%d/pgbouncer?sslmode=disable", PgbouncerAdminUser, port),
		StatsURL: fmt.Sprintf("postgres://%s@127.0.0.1:%d/pgbouncer?sslmode=disable", PgbouncerStatsUser, port),
		User:     backend.User.Username(),
		Port:     port, LogFile: filepath.Join(dir, "pgbouncer.log"), PoolSize: o.PoolSize,
	}
	ini, users := filepath.Join(dir, "pgbouncer.ini"), filepath.Join(dir, "userlist.txt")
	if err := os.WriteFile(users, []byte(userlist(p.User)), 0o644); err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(ini, []byte(pgbouncerINI(o, backend, port, users)), 0o644); err != nil {
		return nil, nil, err
	}
	args := []string{ini}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("nobody"); err != nil {
			return nil, nil, fmt.Errorf("pgbouncer refuses to run as root and there is no user nobody: %v", err)
		}
		args = []string{"-u", "nobody", ini}
	}
	logf, err := os.Create(p.LogFile)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { _, _ = cmd.Process.Wait(); close(done) }()
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // fast shutdown
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = logf.Close()
	}
	if err := waitListening(fmt.Sprintf("127.0.0.1:%d", port), done, p.LogFile); err != nil {
		stop()
		return nil, nil, err
	}
	return p, stop, nil
}

func (o PgbouncerOptions) withDefaults() PgbouncerOptions {
	if o.PoolSize == 0 {
		o.PoolSize = 2
	}
	if o.MaxClientConn == 0 {
		o.MaxClientConn = 50
	}
	if o.PoolMode == "" {
		o.PoolMode = "transaction"
	}
	return o
}

// Log returns pgbouncer's log so far.
func (p *PrivatePgbouncer) Log(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(p.LogFile)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func pgbouncerINI(o PgbouncerOptions, backend *url.URL, port int, userlist string) string {
	host, bport := backend.Hostname(), backend.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if bport == "" {
		bport = "5432"
	}
	dbname := strings.TrimPrefix(backend.Path, "/")
	return fmt.Sprintf(`[databases]
%s = host=%s port=%s dbname=%s pool_size=%d

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
admin_users = %s
stats_users = %s
pool_mode = %s
default_pool_size = %d
max_client_conn = %d
stats_period = 1
logfile =
pidfile =
`, PgbouncerDB, host, bport, dbname, o.PoolSize, port, userlist, PgbouncerAdminUser, PgbouncerStatsUser,
		o.PoolMode, o.PoolSize, o.MaxClientConn)
}

func userlist(backendUser string) string {
	var b strings.Builder
	for _, u := range []string{PgbouncerAdminUser, PgbouncerStatsUser, PgbouncerPlainUser, backendUser} {
		fmt.Fprintf(&b, "%q \"\"\n", u)
	}
	return b.String()
}

// PgbouncerBin is pgbouncer on PATH or Debian's /usr/sbin/pgbouncer (not
// on an ordinary user's PATH); "" when neither is there.
func PgbouncerBin() string {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/pgbouncer"); err == nil {
		return "/usr/sbin/pgbouncer"
	}
	return ""
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until addr accepts connections; a process that
// exits first (done closed) is an error with its log.
func waitListening(addr string, done <-chan struct{}, logFile string) error {
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return nil
		}
		log, _ := os.ReadFile(logFile)
		select {
		case <-done:
			return fmt.Errorf("pgbouncer on %s exited before listening:\n%s", addr, log)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgbouncer on %s did not come up:\n%s", addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
