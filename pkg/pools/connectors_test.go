package pools

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/target"
)

// quick are fast settings for integration tests; sizes stay small because
// the servers are shared with other test packages.
func quick() Options {
	return Options{
		MinSize: 1, MaxSize: 2,
		ConnectTimeout: 5 * time.Second, IdleTimeout: time.Minute, MaxLifetime: time.Hour,
		HealthCheckInterval: time.Hour, OperationTimeout: 5 * time.Second,
	}
}

func open(t *testing.T, name, rawURL string, o Options, op Operation) Runner {
	t.Helper()
	r, err := Open(target.Target{Name: name, URL: rawURL}, o, op)
	if err != nil {
		t.Fatalf("Open(%s): %v", rawURL, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		defer cancel()
		if err := r.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	t.Cleanup(cancel)
	return ctx
}

// uaLog records the User-Agents a test server saw.
type uaLog struct {
	mu  sync.Mutex
	uas []string
}

func (l *uaLog) add(ua string) { l.mu.Lock(); l.uas = append(l.uas, ua); l.mu.Unlock() }
func (l *uaLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.uas...)
}

// slowRequests counts the requests that reached /slow, so a test knows the
// server holds one (a cut before that is retried by the Transport).
var slowRequests atomic.Int64

// handler answers / with 200, /status/500 with 500, /redirect with a 302
// to another host and /slow only once the request is cancelled.
func handler(log *uaLog) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.add(r.UserAgent())
		_, _ = io.WriteString(w, "ok "+r.Method+" "+r.URL.Path)
	})
	mux.HandleFunc("/status/500", func(w http.ResponseWriter, r *http.Request) {
		log.add(r.UserAgent())
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://192.0.2.1/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		slowRequests.Add(1)
		<-r.Context().Done()
	})
	return mux
}

// newHTTPServer starts handler over HTTP or HTTPS (httptest's own
// certificate, see trust).
func newHTTPServer(t *testing.T, tlsOn bool) (*httptest.Server, *uaLog) {
	log := &uaLog{}
	s := httptest.NewUnstartedServer(handler(log))
	// Handshake failures are expected in some tests: keep them off stderr.
	s.Config.ErrorLog = stdlog.New(io.Discard, "", 0)
	if tlsOn {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s, log
}

// trust is a TLS config that accepts s's certificate.
func trust(s *httptest.Server) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())
	return &tls.Config{RootCAs: roots}
}

// TestDefaultOperationAgainstRealServers runs the default operation of
// every kind against its real server.
func TestDefaultOperationAgainstRealServers(t *testing.T) {
	httpSrv, _ := newHTTPServer(t, false)
	httpsSrv, _ := newHTTPServer(t, true)
	tests := []struct {
		name string
		url  func(t testing.TB) string
		opts func(o *Options)
		kind string
	}{
		{"postgres", testenv.PostgresURL, nil, KindPostgres},
		{"mysql", testenv.MySQLURL, nil, KindMySQL},
		{"redis", testenv.RedisURL, nil, KindRedis},
		{"sqlite file", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "x.db") }, nil, KindSQLite},
		{"sqlite memory", func(testing.TB) string { return "sqlite::memory:" }, nil, KindSQLite},
		{"http", func(testing.TB) string { return httpSrv.URL + "/health?x=1" }, nil, KindHTTP},
		{"https", func(testing.TB) string { return httpsSrv.URL }, func(o *Options) { o.TLSConfig = trust(httpsSrv) }, KindHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := quick()
			if tt.opts != nil {
				tt.opts(&o)
			}
			r := open(t, "target", tt.url(t), o, Operation{})
			ctx := ctxT(t)
			if err := r.Ping(ctx); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			for range 5 {
				if err := r.Do(ctx); err != nil {
					t.Fatalf("Do: %v", err)
				}
			}
			s := r.Snapshot()
			if r.Kind() != tt.kind || s.Kind != tt.kind || s.Name != "target" || s.Target != r.Target() {
				t.Errorf("kind %q/%q name %q target %q", r.Kind(), s.Kind, s.Name, s.Target)
			}
			if s.Operations != 5 || s.Errors.Total() != 0 || !s.Reachable || s.Created < 1 || s.AcquireCount != 5 { // Ping dials its own connection
				t.Errorf("snapshot after 5 operations: %+v", s)
			}
			if s.ConnectMs.Max <= 0 || metricsEnabled && s.HoldMs.Max <= 0 {
				t.Errorf("connect %+v hold %+v: want timings recorded", s.ConnectMs, s.HoldMs)
			}
		})
	}
}

// tlsTerminator accepts TLS with httptest's certificate and forwards the
// plain bytes to target, as a TLS-terminating proxy in front of Redis
// would. It returns the address and the config that trusts it.
func tlsTerminator(t *testing.T, target string) (string, *tls.Config) {
	t.Helper()
	cert := httptest.NewUnstartedServer(http.NotFoundHandler())
	cert.StartTLS()
	cfg := cert.TLS.Clone()
	trusted := trust(cert)
	cert.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []io.Closer
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, up)
			mu.Unlock()
			wg.Go(func() { _, _ = io.Copy(up, c); _ = up.Close() })
			wg.Go(func() { _, _ = io.Copy(c, up); _ = c.Close() })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String(), trusted
}

func TestRedissThroughTLS(t *testing.T) {
	u, err := url.Parse(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	addr, trusted := tlsTerminator(t, u.Host)
	u.Scheme, u.Host = "rediss", addr
	o := quick()
	o.TLSConfig = trusted
	r := open(t, "redis", u.String(), o, Operation{})
	if err := r.Do(ctxT(t)); err != nil {
		t.Fatalf("Do over rediss with the terminator's certificate trusted: %v", err)
	}
	o.TLSConfig = nil
	o.MinSize = 0
	untrusted := open(t, "redis2", u.String(), o, Operation{})
	var unknown x509.UnknownAuthorityError
	if err := untrusted.Do(ctxT(t)); !errors.As(err, &unknown) {
		t.Fatalf("Do over rediss without trusting the certificate: %v, want an unknown-authority error", err)
	}
}

func TestHTTPSWithoutTrustFailsToDial(t *testing.T) {
	srv, _ := newHTTPServer(t, true)
	o := quick()
	o.MinSize = 0
	r := open(t, "https", srv.URL, o, Operation{})
	err := r.Do(ctxT(t))
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("Do against an untrusted certificate: %v, want an unknown-authority error", err)
	}
	if s := r.Snapshot(); s.Errors.Dial != 1 || s.Reachable {
		t.Errorf("%+v", s)
	}
}

func TestPostgresIdentifiesItself(t *testing.T) {
	raw := testenv.PostgresURL(t)
	ctx := ctxT(t)
	// The URL asks for another application_name: resync's wins.
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	d, err := newPostgres(raw+sep+"application_name=other", quick(), Operation{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(c)
	admin, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var app string
	if err := admin.QueryRow(ctx, "SELECT application_name FROM pg_stat_activity WHERE pid = $1", c.PgConn().PID()).Scan(&app); err != nil {
		t.Fatal(err)
	}
	if app != AppName {
		t.Errorf("pg_stat_activity.application_name = %q, want %q", app, AppName)
	}
}

func TestRedisIdentifiesItself(t *testing.T) {
	raw := testenv.RedisURL(t)
	ctx := ctxT(t)
	d, err := newRedis(raw, quick(), Operation{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(c)
	id, err := c.conn.ClientID(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := redis.ParseURL(raw)
	admin := redis.NewClient(opt)
	defer admin.Close()
	list, err := admin.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(line, "id="+strconv.FormatInt(id, 10)+" ") {
			if !strings.Contains(line, " name="+AppName+" ") {
				t.Errorf("CLIENT LIST entry without name=%s: %s", AppName, line)
			}
			return
		}
	}
	t.Fatalf("client id %d not in CLIENT LIST:\n%s", id, list)
}

// queryValue runs q on a driver connection and returns the first column of
// the first row.
func queryValue(ctx context.Context, t *testing.T, c sqlConn, q string) string {
	t.Helper()
	rows, err := c.(driver.QueryerContext).QueryContext(ctx, q, nil)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	dest := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(dest); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	switch v := dest[0].(type) {
	case []byte:
		return string(v)
	case string:
		return v
	default:
		t.Fatalf("%s: unexpected %T", q, v)
		return ""
	}
}

func TestMySQLIdentifiesItself(t *testing.T) {
	raw := testenv.MySQLURL(t)
	ctx := ctxT(t)
	d, err := newMySQL(raw, quick(), Operation{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(c)
	// What the server shows for this connection's running statement.
	info := queryValue(ctx, t, c, mysqlQueryTag+"SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()")
	if !strings.HasPrefix(info, "/* resync */") {
		t.Errorf("process list INFO = %q, want the /* resync */ tag", info)
	}
	if queryValue(ctx, t, c, "SELECT CAST(@@performance_schema AS CHAR)") != "1" {
		t.Log("performance_schema is off: connection attributes are not visible server-side; checked the query tag only")
		return
	}
	attr := queryValue(ctx, t, c, "SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'program_name'")
	if attr != AppName {
		t.Errorf("program_name attribute = %q, want %q", attr, AppName)
	}
}

func TestHTTPIdentifiesItselfAndReusesItsConnection(t *testing.T) {
	srv, log := newHTTPServer(t, false)
	o := quick()
	o.MinSize, o.MaxSize, o.UserAgent = 0, 1, ""
	r := open(t, "http", srv.URL, o, Operation{})
	ctx := ctxT(t)
	for range 10 {
		if err := r.Do(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, ua := range log.all() {
		if !strings.HasPrefix(ua, "resync/") {
			t.Errorf("User-Agent %q, want resync/<version>", ua)
		}
	}
	s := r.Snapshot()
	if s.HTTPConnsNew != 1 || s.HTTPConnsReused != 9 || s.Created != 1 {
		t.Errorf("new %d reused %d created %d; want one connection reused 9 times", s.HTTPConnsNew, s.HTTPConnsReused, s.Created)
	}
}

// TestUserOperations runs given operations, including failing ones: a
// server-side error is an operation error that keeps the connection.
func TestUserOperations(t *testing.T) {
	srv, _ := newHTTPServer(t, false)
	tests := []struct {
		name    string
		url     func(t testing.TB) string
		good    Operation
		bad     Operation
		wantErr string
	}{
		{"postgres", testenv.PostgresURL, Operation{Query: "SELECT generate_series(1, 10)"}, Operation{Query: "SELEC nonsense"}, "syntax error"},
		{"mysql", testenv.MySQLURL, Operation{Query: "SELECT 1 UNION SELECT 2"}, Operation{Query: "SELEC nonsense"}, "SQL syntax"},
		{"sqlite", func(testing.TB) string { return "sqlite::memory:" }, Operation{Query: "SELECT 40 + 2"}, Operation{Query: "SELEC nonsense"}, "syntax error"},
		{"redis", testenv.RedisURL, Operation{Command: []string{"GET", "resync:pools:test:missing"}}, Operation{Command: []string{"NOSUCHCOMMAND"}}, "unknown command"},
		{"http", func(testing.TB) string { return srv.URL }, Operation{Method: "post", Path: "anything"}, Operation{Path: "/status/500"}, "status 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := quick()
			o.MaxSize = 1
			raw := tt.url(t)
			ctx := ctxT(t)
			good := open(t, "good", raw, o, tt.good)
			if err := good.Do(ctx); err != nil {
				t.Fatalf("good operation: %v", err)
			}
			bad := open(t, "bad", raw, o, tt.bad)
			for range 2 {
				err := bad.Do(ctx)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("bad operation: %v, want %q", err, tt.wantErr)
				}
			}
			s := bad.Snapshot()
			if s.Errors.Operation != 2 || s.Operations != 0 || s.Closed.Error != 0 || s.Created != 1 {
				t.Errorf("after two failed operations: %+v; want 2 operation errors on one kept connection", s)
			}
		})
	}
}

func TestHTTPRedirectIsAnAnswer(t *testing.T) {
	srv, _ := newHTTPServer(t, false)
	r := open(t, "http", srv.URL, quick(), Operation{Path: "/redirect"})
	if err := r.Do(ctxT(t)); err != nil {
		t.Fatalf("a 302 must count as success and not be followed: %v", err)
	}
}

func TestOpenRejectsBadURLs(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"ftp://user:hunter2@host/x", `unsupported scheme "ftp"`},
		{"mongodb://app:hunter2@db:27017/app", "use postgres://"},
		{"no-scheme-at-all", "no scheme"},
		{"postgres://app:hunter2@db:5432/app?sslmode=bogus", "sslmode"},
		{"mysql://app:hunter2@/app", "no host"},
		{"mysql://app:hunter2@db:3306/app?timeout=notaduration", "timeout"},
		{"http://app:hunter2@[::1/x", "malformed URL"},
		{"redis://app:hunter2@db:6379/notanumber", "invalid"},
		{"sqlite://", "SQLite URL without a path"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			r, err := Open(target.Target{Name: "target", URL: tt.url}, quick(), Operation{})
			if err == nil {
				_ = r.Close(context.Background())
				t.Fatalf("Open accepted %s", tt.url)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
	o := quick()
	o.MinSize = 9
	if _, err := Open(target.Target{Name: "target", URL: "sqlite::memory:"}, o, Operation{}); err == nil || !strings.Contains(err.Error(), "min size 9 is larger") {
		t.Errorf("Open with min > max: %v", err)
	}
}

// TestOpenDoesNotNeedTheServer: an unreachable target opens, and shows up
// as a dial error once used.
func TestOpenDoesNotNeedTheServer(t *testing.T) {
	for _, raw := range []string{
		"postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable",
		"mysql://app:hunter2@127.0.0.1:1/app",
		"redis://:hunter2@127.0.0.1:1/0",
		"http://127.0.0.1:1/",
	} {
		t.Run(raw[:strings.Index(raw, ":")], func(t *testing.T) {
			o := quick()
			o.MinSize = 0
			r := open(t, "down", raw, o, Operation{})
			err := r.Ping(ctxT(t))
			if err == nil {
				t.Fatal("Ping of a closed port succeeded")
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(r.Snapshot().LastError, "hunter2") {
				t.Errorf("password leaked: %v / %q", err, r.Snapshot().LastError)
			}
			if s := r.Snapshot(); s.Errors.Dial != 1 || s.Reachable || !strings.Contains(s.Target, "***") && strings.Contains(raw, "hunter2") {
				t.Errorf("%+v", s)
			}
		})
	}
}
