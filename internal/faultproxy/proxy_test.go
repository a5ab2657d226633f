package faultproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer answers every line with the same line until the client leaves.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	conns := make(chan net.Conn, 64)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
			go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		close(conns)
		for c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

func start(t *testing.T) *Proxy {
	t.Helper()
	p, err := New(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

func dial(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, bufio.NewReader(c)
}

// roundTrip sends a line and reads the echo, with a deadline that only
// catches hangs.
func roundTrip(c net.Conn, r *bufio.Reader, line string, deadline time.Duration) (string, error) {
	_ = c.SetDeadline(time.Now().Add(deadline))
	defer func() { _ = c.SetDeadline(time.Time{}) }()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

const hang = 10 * time.Second

func TestForwards(t *testing.T) {
	p := start(t)
	c, r := dial(t, p)
	for _, line := range []string{"a", "hello", "third line"} {
		got, err := roundTrip(c, r, line, hang)
		if err != nil || got != line {
			t.Fatalf("roundTrip(%q) = %q, %v", line, got, err)
		}
	}
	if n := p.Accepted(); n != 1 {
		t.Errorf("Accepted() = %d, want 1", n)
	}
}

func TestRefuseNew(t *testing.T) {
	p := start(t)
	old, oldR := dial(t, p)
	// A round trip first: a connection the proxy has not yet registered
	// when RefuseNew comes is reset by design.
	if got, err := roundTrip(old, oldR, "before", hang); err != nil || got != "before" {
		t.Fatalf("before refusing: %q, %v", got, err)
	}
	if err := p.RefuseNew(true); err != nil {
		t.Fatal(err)
	}
	_, err := net.DialTimeout("tcp", p.Addr(), hang)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial while refusing: %v, want connection refused", err)
	}
	if got, err := roundTrip(old, oldR, "still here", hang); err != nil || got != "still here" {
		t.Fatalf("established connection while refusing: %q, %v", got, err)
	}
	if err := p.Heal(); err != nil {
		t.Fatal(err)
	}
	c, r := dial(t, p)
	if got, err := roundTrip(c, r, "back", hang); err != nil || got != "back" {
		t.Fatalf("after heal: %q, %v", got, err)
	}
}

func TestCutAll(t *testing.T) {
	p := start(t)
	c, r := dial(t, p)
	if _, err := roundTrip(c, r, "x", hang); err != nil {
		t.Fatal(err)
	}
	p.CutAll()
	_ = c.SetReadDeadline(time.Now().Add(hang))
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read after CutAll: %v, want reset or EOF", err)
	}
	// New connections still work.
	c2, r2 := dial(t, p)
	if got, err := roundTrip(c2, r2, "y", hang); err != nil || got != "y" {
		t.Fatalf("new connection after CutAll: %q, %v", got, err)
	}
}

func TestStall(t *testing.T) {
	p := start(t)
	c, r := dial(t, p)
	p.Stall(true)
	// Nothing may come back while stalled; the short deadline only bounds
	// how long we look.
	_, err := roundTrip(c, r, "held", 200*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read while stalled: %v, want a deadline error", err)
	}
	// New connections are accepted but stalled too.
	c2, r2 := dial(t, p)
	if _, err := roundTrip(c2, r2, "new", 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("new connection while stalled: %v, want a deadline error", err)
	}
	p.Stall(false)
	_ = c.SetReadDeadline(time.Now().Add(hang))
	if got, err := r.ReadString('\n'); err != nil || got != "held\n" {
		t.Fatalf("after stall: %q, %v; want the held bytes", got, err)
	}
}

func TestLatency(t *testing.T) {
	p := start(t)
	c, r := dial(t, p)
	const d = 30 * time.Millisecond
	p.Latency(d)
	begin := time.Now()
	if got, err := roundTrip(c, r, "slow", hang); err != nil || got != "slow" {
		t.Fatalf("roundTrip: %q, %v", got, err)
	}
	// Both directions are delayed: a lower bound, never an upper one.
	if el := time.Since(begin); el < 2*d {
		t.Errorf("round trip took %v, want at least %v", el, 2*d)
	}
	p.Latency(0)
}

func TestTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	p, err := New(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, r := dial(t, p)
	_ = c.SetReadDeadline(time.Now().Add(hang))
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read through a proxy whose target is down: %v, want EOF", err)
	}
}

func TestCloseTwiceAndRefuseAfterClose(t *testing.T) {
	p, err := New(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := dial(t, p)
	_ = c
	p.Stall(true)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := p.RefuseNew(false); err == nil {
		t.Fatal("RefuseNew after Close: want an error")
	}
}
