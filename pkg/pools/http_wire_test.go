package pools

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawHTTP is a loopback server that answers every request with a canned
// response, written as is, so the connector's HTTP/1.1 handling can meet
// what net/http's server would never send (interim 1xx, Connection: close,
// a hang).
type rawHTTP struct {
	ln       net.Listener
	accepted atomic.Int32
	requests atomic.Int32
	wg       sync.WaitGroup
}

func newRawHTTP(t *testing.T, respond func(req *http.Request) string) *rawHTTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawHTTP{ln: ln}
	var conns sync.Map
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			conns.Store(c, true)
			s.wg.Go(func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					s.requests.Add(1)
					resp := respond(req)
					if resp == "" {
						continue // hang: never answer
					}
					if _, err := c.Write([]byte(resp)); err != nil {
						return
					}
					if strings.Contains(resp, "Connection: close") {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		conns.Range(func(c, _ any) bool { _ = c.(net.Conn).Close(); return true })
		s.wg.Wait()
	})
	return s
}

func (s *rawHTTP) url() string { return "http://" + s.ln.Addr().String() + "/x" }

func TestHTTPWire(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	tests := []struct {
		name     string
		respond  func(*http.Request) string
		requests int
		wantErr  error  // errors.Is
		wantText string // in the error
		wantNew  uint64 // connections the slot used
	}{
		{"keep-alive: one connection", func(*http.Request) string { return ok }, 5, nil, "", 1},
		{"chunked body read to its end", func(*http.Request) string {
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
		}, 5, nil, "", 1},
		// Taking the 103 for the answer would make this Do succeed.
		{"interim 103 is skipped for the real response", func(*http.Request) string {
			return "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
		}, 1, nil, "status 503", 1},
		{"Connection: close: the next request dials", func(*http.Request) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
		}, 3, nil, "", 3},
		{"status 503 is an answer on a kept connection", func(*http.Request) string {
			return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
		}, 3, nil, "status 503", 1},
		{"a hang ends at the operation deadline", func(*http.Request) string { return "" }, 1, context.DeadlineExceeded, "operation deadline", 1},
		{"garbage is a protocol error", func(*http.Request) string { return "SSH-2.0-OpenSSH\r\n\r\n" }, 1, nil, "malformed HTTP", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawHTTP(t, tt.respond)
			o := quick()
			o.MinSize, o.MaxSize, o.OperationTimeout = 0, 1, 200*time.Millisecond
			r := open(t, "http", srv.url(), o, Operation{})
			var err error
			for range tt.requests {
				if err = r.Do(ctxT(t)); err != nil {
					break
				}
			}
			switch {
			case tt.wantErr == nil && tt.wantText == "" && err != nil:
				t.Fatalf("Do: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Do: %v, want %v", err, tt.wantErr)
			case tt.wantText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantText)):
				t.Fatalf("Do: %v, want an error with %q", err, tt.wantText)
			}
			s := r.Snapshot()
			if s.HTTPConnsNew != tt.wantNew || s.HTTPConnsNew+s.HTTPConnsReused != uint64(srv.requests.Load()) {
				t.Errorf("new %d reused %d, server saw %d requests on %d connections; want %d new",
					s.HTTPConnsNew, s.HTTPConnsReused, srv.requests.Load(), srv.accepted.Load(), tt.wantNew)
			}
		})
	}
}

// TestHTTPCancelMidRequest: the caller's cancel interrupts a request that
// waits for its response, reports the context's error, and the connection
// is not reused.
func TestHTTPCancelMidRequest(t *testing.T) {
	srv := newRawHTTP(t, func(*http.Request) string { return "" })
	o := quick()
	o.MinSize, o.MaxSize = 0, 1
	r := open(t, "http", srv.url(), o, Operation{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := within(t, func() error { return r.Do(ctx) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want context.Canceled", err)
	}
	if s := r.Snapshot(); s.Errors.Operation != 0 || s.Closed.Error != 1 {
		t.Errorf("a cancel by the caller is no target error, and the connection is dropped: %+v", s)
	}
}

// TestHTTPServerClosedIdleConn: a server that closes a kept-alive
// connection between requests (its idle timeout) is no target error for a
// request that can be sent again: the slot redials and repeats it once,
// also on a connection dialled ahead (MinSize) that never carried a request.
// A POST is not repeated, as net/http's Transport would not. Each request
// is counted once, on the connection that answered it.
func TestHTTPServerClosedIdleConn(t *testing.T) {
	tests := []struct {
		method   string
		prewarm  bool // the first connection is dialled by the pool and closed unused
		requests int
		wantErr  bool
		wantNew  uint64 // requests counted on a new connection (each is counted once)
	}{
		{http.MethodGet, false, 2, false, 2},
		{http.MethodHead, false, 2, false, 2},
		{http.MethodDelete, false, 2, false, 2},
		{http.MethodPost, false, 2, true, 1},
		{http.MethodGet, true, 1, false, 1}, // the retry's connection; the unused one carried nothing
	}
	for _, tt := range tests {
		name := tt.method
		if tt.prewarm {
			name += " on a prewarmed connection"
		}
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			closed := make(chan struct{}, 4)
			var wg sync.WaitGroup
			t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
			wg.Go(func() {
				for n := 0; ; n++ {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					unused := tt.prewarm && n == 0
					// One request, answered with keep-alive, then closed
					// (or closed at once: an idle timeout before any use).
					wg.Go(func() {
						if !unused {
							if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
								_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
							}
						}
						_ = c.Close()
						closed <- struct{}{}
					})
				}
			})
			o := quick()
			o.MinSize, o.MaxSize = 0, 1
			if tt.prewarm {
				o.MinSize = 1
			}
			r := open(t, "http", "http://"+ln.Addr().String()+"/", o, Operation{Method: tt.method})
			for i := range tt.requests {
				if i == tt.requests-1 || tt.prewarm {
					<-closed // the connection the slot holds is now closed by the server
				}
				err = r.Do(ctxT(t))
				if i < tt.requests-1 && err != nil {
					t.Fatalf("request %d: %v", i+1, err)
				}
			}
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("request on the connection the server closed: %v, want error %v", err, tt.wantErr)
			}
			s := r.Snapshot()
			wantOpErrs := uint64(0)
			if tt.wantErr {
				wantOpErrs = 1
			}
			if s.HTTPConnsNew != tt.wantNew || s.HTTPConnsNew+s.HTTPConnsReused != uint64(tt.requests) || s.Errors.Operation != wantOpErrs {
				t.Errorf("new %d, reused %d, operation errors %d; want %d new of %d requests, each counted once, and %d errors",
					s.HTTPConnsNew, s.HTTPConnsReused, s.Errors.Operation, tt.wantNew, tt.requests, wantOpErrs)
			}
		})
	}
}

// TestHTTPRedialBoundedByDeadline: a slot that dials inside a request (after
// Connection: close) does so within the operation's deadline, TLS handshake
// included, against a server that accepts and never answers.
func TestHTTPRedialBoundedByDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held sync.Map
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		held.Range(func(c, _ any) bool { _ = c.(net.Conn).Close(); return true })
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held.Store(c, true) // never a byte of TLS
		}
	})
	d, err := newHTTP("https://"+ln.Addr().String()+"/", quick(), Operation{})
	if err != nil {
		t.Fatal(err)
	}
	c := &httpConn{br: bufio.NewReader(nil)} // no connection: the request dials
	err = within(t, func() error {
		return d.execBy(context.Background(), c, time.Now().Add(100*time.Millisecond))
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("execBy: %v, want the operation deadline", err)
	}
}
