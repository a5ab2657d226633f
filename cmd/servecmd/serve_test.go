package servecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// parse runs the command's flag handling and returns the options run
// would get, or the error.
func parse(t *testing.T, env map[string]string, args ...string) (*ServeOptions, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{})
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var got *ServeOptions
	cmd := newServeCmd(f, func(_ context.Context, o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return got, err
}

func TestFlags(t *testing.T) {
	o, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "127.0.0.1:8080" || o.Interval != 10*time.Second || o.ProbeRate != 5 ||
		o.MaxLifetime != time.Hour || o.Token != "" {
		t.Errorf("defaults = %+v", o)
	}
	o, err = parse(t, map[string]string{TokenEnv: "from-env"}, "--addr", ":0", "--interval", "2s", "--probe-rate", "0", "--max-lifetime", "90")
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != ":0" || o.Interval != 2*time.Second || o.ProbeRate != 0 || o.MaxLifetime != 90*time.Second || o.Token != "from-env" {
		t.Errorf("parsed = %+v", o)
	}
	if o, _ = parse(t, map[string]string{TokenEnv: "from-env"}, "--token", "from-flag"); o.Token != "from-flag" {
		t.Errorf("--token did not win over $%s: %q", TokenEnv, o.Token)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the message
	}{
		{"addr without port", nil, []string{"--addr", "localhost"}, "--addr"},
		{"addr bad port", nil, []string{"--addr", "127.0.0.1:http"}, "port"},
		{"addr port too big", nil, []string{"--addr", "127.0.0.1:70000"}, "port"},
		{"interval zero", nil, []string{"--interval", "0"}, "interval"},
		{"interval too short", nil, []string{"--interval", "10ms"}, "--interval"},
		{"negative probe rate", nil, []string{"--probe-rate", "-1"}, "--probe-rate"},
		{"probe rate too high", nil, []string{"--probe-rate", "1e6"}, "--probe-rate"},
		{"max lifetime zero", nil, []string{"--max-lifetime", "0"}, "--max-lifetime"},
		{"empty token flag", nil, []string{"--token", " "}, "--token"},
		{"empty token env", map[string]string{TokenEnv: ""}, nil, TokenEnv},
		{"token with space", nil, []string{"--token", "a b"}, "token"},
		{"positional argument", nil, []string{"now"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.env, tt.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			var usage *cmdutil.UsageError
			if tt.name != "positional argument" && tt.name != "interval zero" && !errors.As(err, &usage) {
				t.Errorf("%v is not a usage error (exit 2)", err)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	ios, out, _, _ := cmdutil.Test()
	cmd := newServeCmd(cmdutil.NewFactory(ios, cmdutil.BuildInfo{}), nil)
	cmd.SetOut(out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range append(server.Paths(), "curl", "RESYNC_API_TOKEN", "EXIT STATUS", "--probe-rate", "127.0.0.1:8080", "sliding window of the last "+HealthWindow.String()) {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// harness runs serve in-process against a fake session on a free port.
type harness struct {
	t      *testing.T
	sess   *fakeSession
	opts   *ServeOptions
	errOut *bytes.Buffer
	base   string
	cancel context.CancelFunc
	abort  func()
	done   chan error
	client *http.Client
}

func startServe(t *testing.T, token string, sess *fakeSession, mods ...func(*ServeOptions)) *harness {
	t.Helper()
	ios, _, _, errOut := cmdutil.Test()
	h := &harness{t: t, sess: sess, errOut: errOut, done: make(chan error, 1),
		client: &http.Client{Transport: &http.Transport{}}}
	addr := make(chan string, 1)
	h.opts = &ServeOptions{
		IO: ios, Addr: "127.0.0.1:0", Interval: MinInterval, ProbeRate: 200, Token: token, MaxLifetime: time.Hour,
		Load: func() (*config.Config, error) { c := config.Defaults(); return &c, nil },
		Open: func(context.Context, *config.Config) (Session, error) { return sess, nil },
		Listen: func(network, a string) (net.Listener, error) {
			ln, err := net.Listen(network, a)
			if err == nil {
				addr <- ln.Addr().String()
			}
			return ln, err
		},
	}
	for _, mod := range mods {
		mod(h.opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ctx, abort := cmdutil.WithAbort(ctx)
	h.cancel, h.abort = cancel, abort
	go func() { h.done <- runServe(ctx, h.opts) }()
	select {
	case a := <-addr:
		h.base = "http://" + a
	case err := <-h.done:
		t.Fatalf("serve ended before listening: %v", err)
	}
	// Wait until the API answers.
	for {
		resp, err := h.client.Get(h.base + server.PathHealth)
		if err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return h
}

func (h *harness) get(path, token string) (int, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (h *harness) stop() error {
	h.cancel()
	err := <-h.done
	h.client.CloseIdleConnections()
	return err
}

func TestServeEndToEnd(t *testing.T) {
	sess := newFakeSession()
	h := startServe(t, "", sess)

	code, body := h.get(server.PathReport, "")
	var rep struct {
		SchemaVersion int                        `json:"schema_version"`
		Pools         map[string]json.RawMessage `json:"connection_pools"`
		Health        string                     `json:"overall_health"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || code != 200 {
		t.Fatalf("report: %d %v %s", code, err, body)
	}
	if rep.SchemaVersion != 1 || len(rep.Pools) != 2 {
		t.Errorf("report = %+v", rep)
	}
	if code, _ := h.get(server.PathResourcesLeaks+"?max_lifetime_seconds=60", ""); code != 200 || sess.leaks.Load() != 1 {
		t.Errorf("leaks: %d, scans %d", code, sess.leaks.Load())
	}

	// Probes run through the pools, the database ones through the cache,
	// and the report is rebuilt every interval.
	for sess.ops[0].Load() == 0 || sess.ops[1].Load() == 0 || sess.inputs.Load() < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	if sess.cache.lookups.Load() == 0 {
		t.Error("the database probes did not read through the cache")
	}
	_, metrics := h.get(server.PathMetrics, "")
	for _, want := range []string{`resync_probe_duration_seconds_count{pool="database"}`, `resync_probe_duration_seconds_bucket{pool="redis",le="0.001"}`, "resync_pool_connections{pool=\"redis\",state=\"used\"} 1"} {
		if !bytes.Contains(metrics, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if err := h.stop(); err != nil {
		t.Fatalf("run after the signal = %v, want nil (exit 0)", err)
	}
	if !sess.closed.Load() {
		t.Error("the session was not closed")
	}
	stderr := h.errOut.String()
	for _, want := range []string{"resync serve: listening on http://127.0.0.1:", "embedded targets", "resync serve: stopped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestServeToken(t *testing.T) {
	const token = "tok-3f9a"
	h := startServe(t, token, newFakeSession())
	if code, _ := h.get(server.PathReport, ""); code != http.StatusUnauthorized {
		t.Errorf("report without token = %d", code)
	}
	if code, _ := h.get(server.PathReport, token); code != http.StatusOK {
		t.Errorf("report with token = %d", code)
	}
	if code, _ := h.get(server.PathHealth, ""); code != http.StatusOK {
		t.Errorf("health without token = %d", code)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.errOut.String(), token) {
		t.Errorf("the token was printed:\n%s", h.errOut)
	}
	if !strings.Contains(h.errOut.String(), "bearer token required") {
		t.Errorf("stderr does not say a token is required:\n%s", h.errOut)
	}
}

// A second signal (abort) closes the server at once.
func TestServeAbort(t *testing.T) {
	h := startServe(t, "", newFakeSession())
	h.abort()
	if err := <-h.done; err != nil {
		t.Fatalf("run after abort = %v", err)
	}
	h.cancel()
	h.client.CloseIdleConnections()
	if !h.sess.closed.Load() {
		t.Error("the session was not closed")
	}
}

func TestServeErrors(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	base := func() *ServeOptions {
		return &ServeOptions{
			IO: ios, Addr: "127.0.0.1:0", Interval: time.Second, MaxLifetime: time.Hour,
			Load:   func() (*config.Config, error) { c := config.Defaults(); return &c, nil },
			Listen: net.Listen,
		}
	}
	t.Run("address in use", func(t *testing.T) {
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		o := base()
		o.Addr = busy.Addr().String()
		o.Open = func(context.Context, *config.Config) (Session, error) { t.Fatal("opened the targets"); return nil, nil }
		err = runServe(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), "--addr") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("open fails", func(t *testing.T) {
		o := base()
		var ln net.Listener
		o.Listen = func(n, a string) (net.Listener, error) { var err error; ln, err = net.Listen(n, a); return ln, err }
		o.Open = func(context.Context, *config.Config) (Session, error) { return nil, errors.New("dial tcp: refused") }
		err := runServe(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), "open the targets") {
			t.Fatalf("err = %v", err)
		}
		if _, aerr := ln.Accept(); aerr == nil {
			t.Error("the listener was left open")
		}
	})
	t.Run("config error", func(t *testing.T) {
		o := base()
		o.Load = func() (*config.Config, error) { return nil, &config.Error{} }
		o.Listen = func(string, string) (net.Listener, error) { t.Fatal("listened"); return nil, nil }
		if err := runServe(context.Background(), o); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Fatalf("exit code %d for %v", cmdutil.ExitCode(err), err)
		}
	})
	t.Run("close fails", func(t *testing.T) {
		sess := newFakeSession()
		sess.closeErr = errors.New("pool database: close timed out")
		h := startServe(t, "", sess)
		if err := h.stop(); err == nil || !strings.Contains(err.Error(), "close the pools") {
			t.Fatalf("err = %v", err)
		}
	})
}
