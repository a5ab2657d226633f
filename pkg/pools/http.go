package pools

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
)

// httpConn is one pooled slot: a transport limited to one TCP connection to
// the endpoint, so the pool size is the number of connections. The slot's
// first connection is dialled by Dial; if the server closes it, the
// transport dials the next one itself (counted as a new connection).
type httpConn struct {
	transport *http.Transport
	client    *http.Client
	first     chan net.Conn // the connection Dial made, until the transport takes it
}

// httpDriver makes one request per operation with User-Agent resync/<version>.
type httpDriver struct {
	tls       bool
	addr      string // host:port
	host      string // for TLS
	target    string // URL of the operation
	ping      string // URL for HEAD health checks
	method    string
	userAgent string
	tlsConfig *tls.Config
	dialer    net.Dialer
	trace     *httptrace.ClientTrace
	reused    atomic.Uint64
	fresh     atomic.Uint64
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
	d := &httpDriver{tls: strings.EqualFold(u.Scheme, "https"), host: u.Hostname(), userAgent: o.UserAgent}
	d.addr = u.Host
	if u.Port() == "" {
		port := "80"
		if d.tls {
			port = "443"
		}
		d.addr = net.JoinHostPort(u.Hostname(), port)
	}
	if d.userAgent == "" {
		d.userAgent = DefaultUserAgent()
	}
	d.method = strings.ToUpper(op.Method)
	if d.method == "" {
		d.method = http.MethodGet
	}
	base := *u
	base.User = nil // credentials, if any, are not sent by us
	d.ping = base.String()
	if op.Path != "" {
		p := op.Path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		base.Path, base.RawPath, base.RawQuery = "", "", ""
		d.target = strings.TrimSuffix(base.String(), "/") + p
	} else {
		d.target = d.ping
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
	d.trace = &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			d.reused.Add(1)
		} else {
			d.fresh.Add(1)
		}
	}}
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
	first, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	hc := &httpConn{first: make(chan net.Conn, 1)}
	hc.first <- first
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		select {
		case c := <-hc.first:
			return c, nil
		default:
			return d.connect(ctx)
		}
	}
	hc.transport = &http.Transport{
		Proxy:               nil, // the endpoint itself is measured
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		MaxIdleConns:        1,
		DisableCompression:  true,
	}
	if d.tls {
		hc.transport.DialTLSContext = dial
	} else {
		hc.transport.DialContext = dial
	}
	hc.client = &http.Client{
		Transport: hc.transport,
		// A redirect is an answer: following it would measure another
		// endpoint over another connection.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return hc, nil
}

// Ping sends HEAD to the URL: any HTTP response proves the connection.
func (d *httpDriver) Ping(ctx context.Context, c *httpConn) error {
	_, err := d.request(ctx, c, http.MethodHead, d.ping)
	return err
}

func (d *httpDriver) Close(c *httpConn) error {
	c.transport.CloseIdleConnections()
	select {
	case first := <-c.first:
		return first.Close()
	default:
		return nil
	}
}

func (d *httpDriver) exec(ctx context.Context, c *httpConn) error {
	code, err := d.request(ctx, c, d.method, d.target)
	if err != nil {
		return err
	}
	if code >= 400 {
		return &StatusError{Method: d.method, URL: d.target, Code: code}
	}
	return nil
}

// request sends one request and reads the whole body, so the connection can
// be reused.
func (d *httpDriver) request(ctx context.Context, c *httpConn, method, url string) (int, error) {
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, d.trace), method, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", d.userAgent)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
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
