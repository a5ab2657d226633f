package poolscmd_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// invocation runs "resync ARGS" in-process, as if piped, with only the given
// environment and no settings file.
type invocation struct {
	env     map[string]string
	signals chan os.Signal // nil: no signal handling
}

func (inv invocation) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{Version: "test"})
	f.WorkDir = t.TempDir()
	f.Now = func() time.Time { return time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC) }
	f.LookupEnv = func(k string) (string, bool) {
		if k == "XDG_CONFIG_HOME" || k == "HOME" {
			return f.WorkDir, true
		}
		v, ok := inv.env[k]
		return v, ok
	}
	f.Signals = nil
	if inv.signals != nil {
		ch := inv.signals
		f.Signals = func() (<-chan os.Signal, func()) { return ch, func() {} }
	}
	code = cmd.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return invocation{env: env}.run(t, args...)
}

// server is an HTTP target serving at most capacity requests at once, each
// taking delay; onRequest (when set) runs with the request's number.
type server struct {
	*httptest.Server
	served    atomic.Int64
	onRequest func(n int64)
}

func newServer(t *testing.T, capacity int, delay time.Duration, onRequest func(n int64)) *server {
	t.Helper()
	s := &server{onRequest: onRequest}
	slots := make(chan struct{}, capacity)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		if delay > 0 {
			time.Sleep(delay)
		}
		<-slots
		n := s.served.Add(1)
		if s.onRequest != nil {
			s.onRequest(n)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s
}
