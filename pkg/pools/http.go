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
	req  *http.Request // for ReadResponse: the method decides whether a body follows
	wire []byte
	url  string // for errors and StatusError
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
	return &wireRequest{req: req, wire: b.Bytes(), url: rawURL}, nil
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

// connect opens one TCP connection, with the TLS handshake for https.
func (d *httpDriver) connect(ctx context.Context) (net.Conn, error) {
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
	c, err := d.connect(ctx)
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
// and ctx's deadline becomes the connection's deadline; ctx's cancellation
// moves that deadline to the past. An error
// other than an HTTP status leaves the slot without a connection: the
// pool's Destroy closes it, and a server that said Connection: close gets a
// new connection at the next request.
func (d *httpDriver) request(ctx context.Context, c *httpConn, r *wireRequest, deadline time.Time) (code int, err error) {
	if c.conn == nil {
		nc, err := d.connect(ctx)
		if err != nil {
			return 0, err
		}
		c.conn, c.fresh = nc, true
		c.br.Reset(nc)
	}
	if c.fresh {
		c.fresh = false
		d.fresh.Add(1)
	} else {
		d.reused.Add(1)
	}
	conn := c.conn
	if dl, ok := ctx.Deadline(); ok && (deadline.IsZero() || dl.Before(deadline)) {
		deadline = dl
	}
	if err := conn.SetDeadline(deadline); err != nil { // zero: none
		return 0, err
	}
	defer func() {
		if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
			// Our own deadline: say so in the context's terms, which the
			// pool and the workload classify as a timeout.
			err = fmt.Errorf("%s %s: no complete response by the operation deadline: %w", r.req.Method, r.url, context.DeadlineExceeded)
		}
	}()
	if ctx.Done() == nil {
		return d.roundTrip(c, r)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(expired) })
	defer func() {
		if stop() {
			return
		}
		// ctx ended during the request: its AfterFunc has moved, or is
		// about to move, the deadline to the past, so this connection is
		// done even if the response arrived in time; an error is the
		// context's, not the deadline's.
		_ = d.Close(c)
		if err != nil {
			err = fmt.Errorf("%s %s: %w", r.req.Method, r.url, ctx.Err())
		}
	}()
	return d.roundTrip(c, r)
}

// roundTrip writes r on c and reads the response to its end.
func (d *httpDriver) roundTrip(c *httpConn, r *wireRequest) (int, error) {
	if _, err := c.conn.Write(r.wire); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, r.req)
	// 1xx (other than 101) are interim: the real response follows.
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
		resp, err = http.ReadResponse(c.br, r.req)
	}
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.Close {
		// The server closes after this response: the next request dials.
		_ = d.Close(c)
	}
	return resp.StatusCode, err
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
