// Package faultproxy is an in-process TCP proxy that sits in front of a real
// server and injects network faults on command: refused connections, cut
// connections, stalls and added latency. Tests point a client at Addr() and
// flip the faults while the client works, so failure handling is exercised
// against the real protocol instead of a mock.
package faultproxy

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"
)

// dialTimeout bounds the proxy's own connection to the target.
const dialTimeout = 5 * time.Second

// Proxy forwards every connection accepted on a loopback port to a target
// address. Its methods are safe for concurrent use.
type Proxy struct {
	target string
	addr   string

	mu       sync.Mutex
	ln       net.Listener // nil while refusing
	conns    map[*pair]struct{}
	gate     chan struct{} // closed while not stalled; a fresh open channel while stalled
	latency  time.Duration
	closed   bool
	accepted uint64

	wg sync.WaitGroup // accept loops and copy goroutines
}

// pair is one proxied connection: the client side and the upstream side.
type pair struct {
	client, server net.Conn
	done           chan struct{}
	once           sync.Once
}

// cut closes both sides at once. With reset, the client side is closed with
// SO_LINGER 0 so the client sees a reset, as when a middlebox drops state.
func (p *pair) cut(reset bool) {
	p.once.Do(func() {
		close(p.done)
		if reset {
			if tc, ok := p.client.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
		}
		_ = p.client.Close()
		_ = p.server.Close()
	})
}

// New starts a proxy on 127.0.0.1 with an ephemeral port, in front of target
// ("host:port"). The target is dialled once per accepted connection, so it
// need not be up yet.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen on 127.0.0.1:0 in front of %s: %w", target, err)
	}
	gate := make(chan struct{})
	close(gate)
	p := &Proxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[*pair]struct{}{}, gate: gate}
	p.wg.Add(1)
	go p.accept(ln)
	return p, nil
}

// Addr is the proxy's "127.0.0.1:port"; it stays the same for the proxy's
// whole life, including across RefuseNew.
func (p *Proxy) Addr() string { return p.addr }

// Target is the upstream address.
func (p *Proxy) Target() string { return p.target }

// Accepted is the number of connections accepted so far.
func (p *Proxy) Accepted() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Active is the number of connections currently proxied.
func (p *Proxy) Active() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// RefuseNew makes new connections fail with "connection refused" (the
// listening socket is closed) while on. Established connections are not
// touched, but one the kernel accepted that was not yet forwarding is
// reset, so that RefuseNew then CutAll leaves no connection standing.
// Turning it off listens again on the same address, which fails only if
// another process took the port meanwhile.
func (p *Proxy) RefuseNew(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: RefuseNew on a closed proxy")
	}
	switch {
	case on && p.ln != nil:
		err := p.ln.Close()
		p.ln = nil
		if err != nil {
			return fmt.Errorf("faultproxy: close listener %s: %w", p.addr, err)
		}
	case !on && p.ln == nil:
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
		}
		p.ln = ln
		p.wg.Add(1)
		go p.accept(ln)
	}
	return nil
}

// CutAll closes every established connection at once, in the middle of
// whatever it was doing; the client side sees a reset.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	conns := make([]*pair, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.cut(true)
	}
}

// Stall makes the proxy keep accepting connections and reading bytes while
// forwarding nothing in either direction, as a hung server or a black-holed
// route would. Bytes held during a stall are forwarded once it ends.
func (p *Proxy) Stall(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	stalled := !isClosed(p.gate)
	switch {
	case on && !stalled:
		p.gate = make(chan struct{})
	case !on && stalled:
		close(p.gate)
	}
}

// Latency delays every chunk of bytes forwarded, in both directions, by d
// (0 turns it off).
func (p *Proxy) Latency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = max(d, 0)
}

// Heal removes every fault: connections are accepted again, stalled bytes
// flow and latency is zero. Connections cut earlier stay cut.
func (p *Proxy) Heal() error {
	p.Stall(false)
	p.Latency(0)
	return p.RefuseNew(false)
}

// Close stops accepting, cuts every connection and waits until every
// goroutine of the proxy has returned.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	var err error
	if p.ln != nil {
		err = p.ln.Close()
		p.ln = nil
	}
	if !isClosed(p.gate) {
		close(p.gate)
	}
	p.mu.Unlock()
	p.CutAll()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		client, err := ln.Accept()
		if err != nil {
			return // listener closed by RefuseNew or Close
		}
		server, err := net.DialTimeout("tcp", p.target, dialTimeout)
		if err != nil {
			_ = client.Close()
			continue
		}
		c := &pair{client: client, server: server, done: make(chan struct{})}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.cut(false)
			return
		}
		if p.ln != ln {
			// RefuseNew came between Accept and here: this connection is
			// refused (reset) like the ones after it, so that RefuseNew
			// followed by CutAll leaves none standing.
			p.mu.Unlock()
			c.cut(true)
			return
		}
		p.accepted++
		p.conns[c] = struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		go p.forward(c, client, server)
		go p.forward(c, server, client)
	}
}

// forward copies src to dst chunk by chunk, honouring stalls and latency.
// When either direction ends, the whole pair is closed.
func (p *Proxy) forward(c *pair, src, dst net.Conn) {
	defer p.wg.Done()
	defer func() {
		c.cut(false)
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.hold(c) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// hold waits out a stall and the configured latency before a chunk is
// forwarded. It reports false when the pair was cut meanwhile.
func (p *Proxy) hold(c *pair) bool {
	p.mu.Lock()
	gate, latency := p.gate, p.latency
	p.mu.Unlock()
	select {
	case <-gate:
	case <-c.done:
		return false
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.done:
			return false
		}
	}
	// A stall may have begun during the latency wait.
	p.mu.Lock()
	gate = p.gate
	p.mu.Unlock()
	select {
	case <-gate:
		return true
	case <-c.done:
		return false
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Behind starts a proxy in front of rawURL's host:port for a test and
// returns it with rawURL rewritten to go through it; the proxy is closed
// when the test ends.
func Behind(t testing.TB, rawURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	u.Host = p.Addr()
	return p, u.String()
}
