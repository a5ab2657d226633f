package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PostgresOptions configure a private PostgreSQL cluster.
type PostgresOptions struct {
	// MaxConnections is max_connections; zero means 20.
	MaxConnections int
	// SuperuserReserved is superuser_reserved_connections; zero means 3
	// (PostgreSQL's default).
	SuperuserReserved int
}

// PrivatePostgres is a PostgreSQL cluster of the test's own: initdb in a
// temp dir, its own port, log_connections on (the log records every
// connection and every refusal).
type PrivatePostgres struct {
	// URL connects as the superuser postgres (trust) to database postgres.
	URL string
	// AppURL connects as the ordinary role app (trust): superuser-reserved
	// slots are not its to use.
	AppURL  string
	LogFile string
	dir     string
}

// StartPostgres initdb's and starts a private cluster (never the shared
// server), run as the OS user postgres (or nobody) when the test runs as
// root, and stops it by its PID when the test ends. Without initdb the test
// is skipped, or fails when RESYNC_TEST_REQUIRE_SERVICES=1.
func StartPostgres(tb testing.TB, o PostgresOptions) *PrivatePostgres {
	tb.Helper()
	bin := postgresBin()
	if bin == "" {
		if Required() {
			tb.Fatal("initdb not found under /usr/lib/postgresql/*/bin nor on PATH")
		}
		tb.Skip("initdb not found under /usr/lib/postgresql/*/bin nor on PATH")
	}
	if o.MaxConnections == 0 {
		o.MaxConnections = 20
	}
	if o.SuperuserReserved == 0 {
		o.SuperuserReserved = 3
	}
	// Not tb.TempDir: its parent is private to the test's user.
	dir, err := os.MkdirTemp("", "resync-pg-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	var run func(name string, args ...string) *exec.Cmd
	run = func(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
	if os.Geteuid() == 0 {
		u := "postgres"
		if _, err := user.Lookup(u); err != nil {
			u = "nobody"
		}
		uu, err := user.Lookup(u)
		if err != nil {
			tb.Fatalf("no user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(uu.Uid)
		gid, _ := strconv.Atoi(uu.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			tb.Fatal(err)
		}
		run = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", u, "--", name}, args...)...)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	p := &PrivatePostgres{
		URL:     fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		AppURL:  fmt.Sprintf("postgres://app@127.0.0.1:%d/postgres?sslmode=disable", port),
		LogFile: filepath.Join(dir, "postgres.log"), dir: data,
	}
	cmd := run(filepath.Join(bin, "postgres"), "-D", data, "-p", fmt.Sprint(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", fmt.Sprintf("max_connections=%d", o.MaxConnections),
		"-c", fmt.Sprintf("superuser_reserved_connections=%d", o.SuperuserReserved),
		"-c", "log_connections=on", "-c", "fsync=off", "-c", "shared_buffers=16MB",
		"-c", "logging_collector=off", "-c", "log_destination=stderr")
	logf, err := os.Create(p.LogFile)
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		// runuser forwards the signal; the postmaster's PID is in
		// postmaster.pid: fast shutdown by that PID, then wait for runuser.
		if pid := p.pid(); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGINT)
		}
		done := make(chan struct{})
		go func() { _, _ = cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			if pid := p.pid(); pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGQUIT)
			}
			_ = cmd.Process.Kill()
			<-done
		}
		_ = logf.Close()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(p.LogFile)
			tb.Fatalf("private PostgreSQL on %s did not come up\n%s", addr, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	psql := filepath.Join(bin, "psql")
	for deadline := time.Now().Add(30 * time.Second); ; {
		out, err := exec.Command(psql, p.URL, "-Atc", "CREATE ROLE app LOGIN").CombinedOutput()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("create role app: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return p
}

// Log returns the server log so far.
func (p *PrivatePostgres) Log(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(p.LogFile)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func (p *PrivatePostgres) pid() int {
	b, err := os.ReadFile(filepath.Join(p.dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	return pid
}

// postgresBin is the newest /usr/lib/postgresql/*/bin holding initdb, or
// the directory of initdb on PATH.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Reverse(dirs)
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}
