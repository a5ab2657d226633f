package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// PrivateRedis is a redis-server of the test's own, on its own port, for
// tests that stop, stall or kill it (never the shared one).
type PrivateRedis struct {
	URL string
	cmd *exec.Cmd
}

// StartRedis starts a private redis-server (no persistence) in a temp dir
// and waits until it accepts connections; it is killed, by its PID, when
// the test ends. Without redis-server on PATH the test is skipped, or
// fails when RESYNC_TEST_REQUIRE_SERVICES=1.
func StartRedis(tb testing.TB) *PrivateRedis {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if Required() {
			tb.Fatalf("redis-server is not on PATH: %v", err)
		}
		tb.Skip("redis-server is not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	dir := tb.TempDir()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	r := &PrivateRedis{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd: cmd}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return r
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			tb.Fatalf("private redis-server on %s did not come up: %v\n%s", addr, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop freezes the server (SIGSTOP): connections stay open, nothing answers.
func (r *PrivateRedis) Stop() error { return r.cmd.Process.Signal(syscall.SIGSTOP) }

// Continue resumes a stopped server (SIGCONT).
func (r *PrivateRedis) Continue() error { return r.cmd.Process.Signal(syscall.SIGCONT) }
