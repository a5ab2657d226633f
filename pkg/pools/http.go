package pools

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// httpConn is one pooled slot: one TCP (or TLS) connection to the endpoint,
// so the pool size is the number of connections. Requests are written and
// responses read on it directly, HTTP/1.1, one at a time, with net/http's
// own Request.Write and ReadResponse: no http.Transport, whose connection
// pool would duplicate ours and whose two goroutines per connection cost a
// hand-off each way on every request (half the client's CPU in
// bench/load). When the server closes the connection (Connection: close, an
// idle timeout), the slot dials the next one itself at its next request,
// counted as a new connection.
type httpConn struct {
	conn  net.Conn // nil once closed: the next request dials
	br    *bufio.Reader
	fresh bool // conn has not carried a request yet
}

// httpDriver makes one request per operation with User-Agent resync/<version>.
type httpDriver struct {
	tls       bool
	addr      string // host:port
	host      string // for TLS
	op, ping  *wireRequest
	tlsConfig *tls.Config
	dialer    net.Dialer
	reused    atomic.Uint64
	fresh     atomic.Uint64
}

// wireRequest is a request serialised once (by http.Request.Write) and sent
// as is on every use.
type wireRequest struct {
	req        *http.Request // for ReadResponse: the method decides whether a body follows
	wire       []byte
	url        string // for errors and StatusError
	idempotent bool   // safe to send again (RFC 9110, 9.2.2)
}

func newWireRequest(method, rawURL, userAgent string) (*wireRequest, error) {
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	var b bytes.Buffer
	if err := req.Write(&b); err != nil {
		return nil, err
	}
	idempotent := false
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		idempotent = true
	}
	return &wireRequest{req: req, wire: b.Bytes(), url: rawURL, idempotent: idempotent}, nil
}

// StatusError is an HTTP response with a status of 400 or more.
type StatusError struct {
	Method, URL string
	Code        int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d %s", e.Method, e.URL, e.Code, http.StatusText(e.Code))
}

func newHTTP(rawURL string, o Options, op Operation) (*httpDriver, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	d := &httpDriver{tls: strings.EqualFold(u.Scheme, "https"), host: u.Hostname()}
	d.addr = u.Host
	if u.Port() == "" {
		port := "80"
		if d.tls {
			port = "443"
		}
		d.addr = net.JoinHostPort(u.Hostname(), port)
	}
	userAgent := o.UserAgent
	if userAgent == "" {
		userAgent = DefaultUserAgent()
	}
	method := strings.ToUpper(op.Method)
	if method == "" {
		method = http.MethodGet
	}
	base := *u
	base.User = nil // credentials, if any, are not sent by us
	ping, target := base.String(), base.String()
	if op.Path != "" {
		p := op.Path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		base.Path, base.RawPath, base.RawQuery = "", "", ""
		target = strings.TrimSuffix(base.String(), "/") + p
	}
	if d.op, err = newWireRequest(method, target, userAgent); err != nil {
		return nil, err
	}
	if d.ping, err = newWireRequest(http.MethodHead, ping, userAgent); err != nil {
		return nil, err
	}
	if d.tls {
		d.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if o.TLSConfig != nil {
			d.tlsConfig = o.TLSConfig.Clone()
		}
		if d.tlsConfig.ServerName == "" {
			d.tlsConfig.ServerName = d.host
		}
		d.tlsConfig.NextProtos = []string{"http/1.1"} // one request at a time per connection
	}
	d.dialer.Timeout = o.ConnectTimeout
	return d, nil
}

// connect opens one TCP connection, with the TLS handshake for https,
// both bounded by deadline when it is not zero (and by ctx).
func (d *httpDriver) connect(ctx context.Context, deadline time.Time) (net.Conn, error) {
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	c, err := d.dialer.DialContext(ctx, "tcp", d.addr)
	if err != nil || !d.tls {
		return c, err
	}
	tc := tls.Client(c, d.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return tc, nil
}

func (d *httpDriver) Dial(ctx context.Context) (*httpConn, error) {
	c, err := d.connect(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	return &httpConn{conn: c, br: bufio.NewReader(c), fresh: true}, nil
}

// shallowDial: a TCP connect (even with TLS) is no HTTP answer.
func (d *httpDriver) shallowDial() {}

// Ping sends HEAD to the URL: any HTTP response proves the connection.
func (d *httpDriver) Ping(ctx context.Context, c *httpConn) error {
	_, err := d.request(ctx, c, d.ping, time.Time{})
	return err
}

func (d *httpDriver) Close(c *httpConn) error {
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}

func (d *httpDriver) exec(ctx context.Context, c *httpConn) error {
	return d.execBy(ctx, c, time.Time{})
}

// execBy is exec bounded by deadline as well as by ctx (see deadlineDriver).
func (d *httpDriver) execBy(ctx context.Context, c *httpConn, deadline time.Time) error {
	code, err := d.request(ctx, c, d.op, deadline)
	if err != nil {
		return err
	}
	if code >= 400 {
		return &StatusError{Method: d.op.req.Method, URL: d.op.url, Code: code}
	}
	return nil
}

// expired is a deadline in the past: setting it interrupts blocked I/O.
var expired = time.Unix(1, 0)

// request sends one request and reads the whole response, so the
// connection can carry the next one. The earlier of deadline (when not zero)
// and ctx's deadline bounds it, a redial included; ctx's cancellation
// interrupts it. An error other than an HTTP status leaves the slot without
// a connection: the pool's Destroy closes it, and a server that said
// Connection: close gets a new connection at the next request.
//
// A kept-alive connection the server has closed meanwhile (its idle
// timeout) shows as a write error or an end of stream before the first byte
// of the response; an idempotent request is then sent once more on a new
// connection, as net/http's Transport does.
func (d *httpDriver) request(ctx context.Context, c *httpConn, r *wireRequest, deadline time.Time) (code int, err error) {
	if dl, ok := ctx.Deadline(); ok && (deadline.IsZero() || dl.Before(deadline)) {
		deadline = dl
	}
	code, retry, err := d.attempt(ctx, c, r, deadline)
	if retry {
		code, _, err = d.attempt(ctx, c, r, deadline)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
		// Our own deadline: say so in the context's terms, which the
		// pool and the workload classify as a timeout.
		err = fmt.Errorf("%s %s: no complete response by the operation deadline: %w", r.req.Method, r.url, context.DeadlineExceeded)
	}
	return code, err
}

// attempt is one try of request; retry says the connection was found
// closed by the server before it answered (see request) and the slot is
// ready for another try.
func (d *httpDriver) attempt(ctx context.Context, c *httpConn, r *wireRequest, deadline time.Time) (code int, retry bool, err error) {
	dialled := c.conn == nil // here, for this request: no reason to retry
	if dialled {
		nc, err := d.connect(ctx, deadline)
		if err != nil {
			return 0, false, err
		}
		c.conn, c.fresh = nc, true
		c.br.Reset(nc)
	}
	fresh := c.fresh
	c.fresh = false
	defer func() {
		if retry {
			return // counted by the next attempt, on its new connection
		}
		if fresh {
			d.fresh.Add(1)
		} else {
			d.reused.Add(1)
		}
	}()
	conn := c.conn
	if err := conn.SetDeadline(deadline); err != nil { // zero: none
		return 0, false, err
	}
	var unanswered bool
	if ctx.Done() == nil {
		code, unanswered, err = d.roundTrip(c, r)
	} else {
		stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(expired) })
		code, unanswered, err = d.roundTrip(c, r)
		if !stop() {
			// ctx ended during the request: its AfterFunc has moved, or
			// is about to move, the deadline to the past, so this
			// connection is done even if the response arrived in time; an
			// error is the context's, not the deadline's.
			_ = d.Close(c)
			if err != nil {
				err = fmt.Errorf("%s %s: %w", r.req.Method, r.url, ctx.Err())
			}
			return code, false, err
		}
	}
	if err != nil && unanswered && !dialled && r.idempotent && ctx.Err() == nil {
		_ = d.Close(c)
		return code, true, err
	}
	return code, false, err
}

// roundTrip writes r on c and reads the response to its end. unanswered:
// the other end closed or reset the connection before the first byte of a
// response (which may still be after the server acted on r: only an
// idempotent request is sent again).
func (d *httpDriver) roundTrip(c *httpConn, r *wireRequest) (code int, unanswered bool, err error) {
	if _, err := c.conn.Write(r.wire); err != nil {
		return 0, closedByPeer(err), err
	}
	if _, err := c.br.Peek(1); err != nil {
		return 0, closedByPeer(err), err
	}
	resp, err := http.ReadResponse(c.br, r.req)
	// 1xx (other than 101) are interim: the real response follows.
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
		resp, err = http.ReadResponse(c.br, r.req)
	}
	if err != nil {
		return 0, false, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err == nil && (resp.Close || resp.StatusCode == http.StatusSwitchingProtocols) {
		// The server closes after this response, or the connection no
		// longer speaks HTTP: the next request dials.
		_ = d.Close(c)
	}
	return resp.StatusCode, false, err
}

// closedByPeer reports whether err says the other end closed or reset the
// connection (not a timeout, not a local close).
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// broken: an HTTP status is an answer over a healthy connection; a transport
// error is not.
func (d *httpDriver) broken(_ *httpConn, err error) bool {
	var se *StatusError
	return isCtxErr(err) || !errors.As(err, &se)
}

func (d *httpDriver) addTo(s *Snapshot) {
	s.HTTPConnsReused = d.reused.Load()
	s.HTTPConnsNew = d.fresh.Load()
}

func (d *httpDriver) reset() {
	d.reused.Store(0)
	d.fresh.Store(0)
}
