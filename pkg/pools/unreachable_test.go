package pools

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/target"
)

// withURL is raw with its user (and password, when pw is not "") and
// path replaced: "" keeps what raw has.
func withURL(t testing.TB, raw, user, pw, path string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case user != "" && pw != "":
		u.User = url.UserPassword(user, pw)
	case user != "":
		u.User = url.User(user)
	}
	if path != "" {
		u.Path = path
	}
	return u.String()
}

// withQuery is raw with the query parameter key set to value.
func withQuery(t testing.TB, raw, key, value string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// closedPort is 127.0.0.1:PORT where nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// silentServer accepts connections and never answers: a server that hangs.
func silentServer(t testing.TB) string { return tcpServer(t, "") }

// tcpServer accepts connections, writes greeting to each (none when
// empty) and then holds it open without reading.
func tcpServer(t testing.TB, greeting string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if greeting != "" {
				_, _ = c.Write([]byte(greeting))
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// TestUnreachableAgainstRealServers pings real servers that refuse in
// every way a user meets and checks the cause, the words and that the
// driver's message appears once.
func TestUnreachableAgainstRealServers(t *testing.T) {
	pg, my, rd := testenv.PostgresURL(t), testenv.MySQLURL(t), testenv.RedisURL(t)
	const pw = "pw-s3cret"
	tests := []struct {
		name    string
		url     func(t testing.TB) string
		cause   Cause
		want    []string // substrings of Error()
		message string   // the driver's message: must appear exactly once
	}{
		{"postgres role that does not exist", func(t testing.TB) string { return withURL(t, pg, "resync_no_such_role", pw, "") },
			CauseAuth, []string{`authentication failed for user "resync_no_such_role"`, "SQLSTATE 28000"}, `role "resync_no_such_role" does not exist`},
		{"postgres database that does not exist", func(t testing.TB) string { return withURL(t, pg, "", "", "/resync_no_such_db") },
			CauseDatabase, []string{`database "resync_no_such_db" does not exist: `, "SQLSTATE 3D000"}, `FATAL: database "resync_no_such_db" does not exist`},
		{"postgres closed port", func(t testing.TB) string { return "postgres://postgres@" + closedPort(t) + "/test?sslmode=disable" },
			CauseRefused, []string{"connection refused by 127.0.0.1:"}, "connect: connection refused"},
		{"postgres host that does not resolve", func(testing.TB) string { return "postgres://postgres@resync-no-such-host.invalid/test" },
			CauseDNS, []string{`host "resync-no-such-host.invalid" does not resolve`}, "no such host"},
		{"postgres server that never answers", func(t testing.TB) string { return "postgres://postgres@" + silentServer(t) + "/test?sslmode=disable" },
			CauseTimeout, []string{"timed out after 300ms"}, ""},
		{"mysql wrong password", func(t testing.TB) string { return withURL(t, my, "root", pw, "") },
			CauseAuth, []string{`authentication failed for user "root"`, "Error 1045"}, "Access denied for user 'root'"},
		{"mysql database that does not exist", func(t testing.TB) string { return withURL(t, my, "", "", "/resync_no_such_db") },
			CauseDatabase, []string{`database "resync_no_such_db" does not exist`, "Error 1049"}, "Unknown database 'resync_no_such_db'"},
		{"mysql closed port", func(t testing.TB) string { return "mysql://root@" + closedPort(t) + "/test" },
			CauseRefused, []string{"connection refused by 127.0.0.1:"}, "connect: connection refused"},
		{"redis user that does not exist", func(t testing.TB) string { return withURL(t, rd, "resync_no_such_user", pw, "") },
			CauseAuth, []string{`authentication failed for user "resync_no_such_user"`}, "WRONGPASS"},
		{"redis database out of range", func(t testing.TB) string { return withURL(t, rd, "", "", "/999") },
			CauseDatabase, []string{`database "999" does not exist`}, "DB index is out of range"},
		{"redis closed port", func(t testing.TB) string { return "redis://" + closedPort(t) + "/0" },
			CauseRefused, []string{"connection refused by 127.0.0.1:"}, "connect: connection refused"},
		{"rediss to a server that speaks no TLS", func(t testing.TB) string { return "rediss://" + tcpServer(t, "-ERR not TLS\r\n") + "/0" },
			CauseTLS, []string{"TLS handshake failed: tls: first record does not look like a TLS handshake"}, ""},
		{"postgres certificate nobody vouches for", func(t testing.TB) string { return withQuery(t, pg, "sslmode", "verify-full") },
			// Without TLS on the server: "server refused TLS connection".
			CauseTLS, []string{"TLS handshake failed: "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := target.New("target", tt.url(t))
			if err != nil {
				t.Fatal(err)
			}
			o := quick()
			o.ConnectTimeout = 300 * time.Millisecond
			if tt.cause != CauseTimeout {
				o.ConnectTimeout = 5 * time.Second
			}
			r := open(t, tg.Name, tg.URL, o, Operation{})
			pingErr := r.Ping(ctxT(t))
			if pingErr == nil {
				t.Fatal("Ping succeeded; want an error")
			}
			err = Unreachable(pingErr, tg, o.ConnectTimeout)
			var ue *UnreachableError
			if !errors.As(err, &ue) {
				t.Fatalf("Unreachable = %T %v", err, err)
			}
			msg := err.Error()
			t.Log(msg)
			if ue.Cause != tt.cause {
				t.Errorf("cause %q, want %q: %s", ue.Cause, tt.cause, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q: want %q in it", msg, w)
				}
			}
			if tt.message != "" && strings.Count(msg, tt.message) != 1 {
				t.Errorf("%q: want the driver's %q exactly once", msg, tt.message)
			}
			for _, bad := range []string{pw, "connect timeout", "pool target", "failed to connect to", "\n"} {
				if strings.Contains(msg, bad) {
					t.Errorf("%q contains %q", msg, bad)
				}
			}
			if !errors.Is(err, pingErr) && errors.Unwrap(err) != pingErr {
				t.Errorf("does not unwrap to the ping error")
			}
		})
	}
}

// TestUnreachableWithoutServers covers the cases that need no server: nil,
// an already explained error, and a password in a driver's text.
func TestUnreachableWithoutServers(t *testing.T) {
	tg := target.Target{Name: "db", Kind: target.Postgres, URL: "postgres://app:hunter2@db:5432/app"}
	if Unreachable(nil, tg, time.Second) != nil {
		t.Error("Unreachable(nil) != nil")
	}
	first := Unreachable(errors.New("boom"), tg, time.Second)
	if again := Unreachable(fmt.Errorf("wrapped: %w", first), tg, time.Second); again.Error() != "wrapped: boom" {
		t.Errorf("explained twice: %q", again)
	}
	leaky := fmt.Errorf("pool db: ping x: %w", errors.New("cannot parse `postgres://app:hunter2@db:5432/app`: hunter2"))
	if msg := Unreachable(leaky, tg, time.Second).Error(); strings.Contains(msg, "hunter2") || strings.Contains(msg, "pool db") {
		t.Errorf("%q: want the password and the pool prefix gone", msg)
	}
}
