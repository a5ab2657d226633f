package secretstest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/server"
)

// servedPaths are the bodies "resync serve" (and pkg/monitor's Handler)
// answer with: every one may carry a target's URL or an error about it.
var servedPaths = []string{
	server.PathReport, server.PathPoolsMetrics, server.PathHealth,
	server.PathResourcesLeaks, server.PathMetrics,
}

// serveChunk is how many database or HTTP URLs one serve run monitors
// (Redis takes one URL): the forms ride in few runs, and a leak still names
// its form by the password's number.
const serveChunk = 12

// loads reports whether serve can open the form: the configuration accepts
// it as its kind's flag and, for Redis, go-redis too (a database path such
// as /db makes serve exit 2 before it listens). A URL refused there never
// reaches the API; the commands' rows cover its error.
func loads(t *testing.T, p planted) bool {
	k := keys[p.kind]
	if loadErr(t, config.LoadOptions{Flags: []config.FlagValue{{Key: k.key, Flag: k.flag, Value: p.raw}}}) != nil {
		return false
	}
	if p.kind == "redis" {
		_, err := redis.ParseURL(p.raw)
		return err == nil
	}
	return true
}

// serveRuns groups the forms that load into the argument lists of serve
// runs: up to serveChunk database and HTTP URLs and one Redis URL each.
func serveRuns(t *testing.T, ps []planted) [][]planted {
	byKind := map[string][]planted{}
	for _, p := range ps {
		if loads(t, p) {
			byKind[p.kind] = append(byKind[p.kind], p)
		}
	}
	n := max(len(byKind["redis"]), (len(byKind["db"])+serveChunk-1)/serveChunk, (len(byKind["http"])+serveChunk-1)/serveChunk)
	runs := make([][]planted, n)
	for i, p := range byKind["redis"] {
		runs[i] = append(runs[i], p)
	}
	for _, kind := range []string{"db", "http"} {
		for i, p := range byKind[kind] {
			runs[i/serveChunk] = append(runs[i/serveChunk], p)
		}
	}
	return runs
}

// TestPlantedPasswordNeverServed runs "resync serve" in-process with the
// planted URLs as its targets (unreachable: the point is the error and
// finding text) and reads every API body and /metrics, and serve's -v log.
func TestPlantedPasswordNeverServed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts resync serve once per group of forms")
	}
	dir := t.TempDir()
	var ps []planted
	for i, f := range forms(dir) {
		ps = append(ps, plant(i, f))
	}
	runs := serveRuns(t, ps)
	if len(runs) == 0 {
		t.Fatal("no form loads: the table is broken")
	}
	served := 0
	for _, r := range runs {
		served += len(r)
	}
	t.Logf("%d of %d forms served in %d runs", served, len(ps), len(runs))
	for i, run := range runs {
		t.Run(fmt.Sprintf("run %02d", i), func(t *testing.T) {
			outs := serveAndRead(t, run)
			// the URLs are in the bodies, redacted: else nothing was checked
			if got := strings.Count(outs[server.PathReport+" (read 2)"], `"url": `); got < len(run) {
				t.Errorf("the report names %d targets, want %d:\n%s", got, len(run), outs[server.PathReport+" (read 2)"])
			}
			for _, p := range run {
				for name, out := range outs {
					if sec := p.leak(out); sec != "" {
						t.Errorf("serve %s prints %q of the password of %s:\n%s", name, sec, p.url, excerpt(out, sec))
					}
				}
			}
		})
	}
}

// serveAndRead starts serve on the forms, reads each path twice (at once
// and after a few rebuilds, when the probes' errors are in) and returns the
// bodies and serve's stdout and stderr by name.
func serveAndRead(t *testing.T, run []planted) map[string]string {
	t.Helper()
	port := freePort(t)
	args := []string{"serve", "-v", "--addr", "127.0.0.1:" + port, "--interval", "100ms", "--probe-rate", "10"}
	for _, p := range run {
		args = append(args, keys[p.kind].flag, p.raw)
	}
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "test"})
	env := map[string]string{"DB_POOL_MIN_SIZE": "1", "REDIS_POOL_MIN_SIZE": "1", "HTTP_POOL_MIN_SIZE": "1",
		"DB_POOL_CONNECT_TIMEOUT": "1", "REDIS_POOL_CONNECT_TIMEOUT": "1", "HTTP_POOL_CONNECT_TIMEOUT": "1"}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.WorkDir = t.TempDir()
	f.Signals = nil
	ctx, cancel := context.WithCancel(context.Background())
	var code int
	ended := make(chan struct{})
	go func() { code = cmd.Run(ctx, f, args); close(ended) }()
	stop := sync.OnceValue(func() int { cancel(); <-ended; return code })
	t.Cleanup(func() { stop() })

	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	base := "http://127.0.0.1:" + port
	bodies := map[string]string{}
	if !waitServing(client, base, ended) {
		stop()
		t.Fatalf("serve ended before serving, exit %d:\n%s", code, errOut)
	}
	for round := range 2 {
		if round == 1 {
			time.Sleep(500 * time.Millisecond) // a few rebuilds and probe errors
		}
		for _, path := range servedPaths {
			bodies[fmt.Sprintf("%s (read %d)", path, round+1)] = get(t, client, base+path)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d:\n%s", code, errOut)
	}
	bodies["stdout"], bodies["stderr"] = out.String(), errOut.String()
	return bodies
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// waitServing waits until the API answers, or serve ended (false).
func waitServing(c *http.Client, base string, ended <-chan struct{}) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		select {
		case <-ended:
			return false
		default:
		}
		if resp, err := c.Get(base + server.PathHealth); err == nil {
			resp.Body.Close()
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func get(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return string(b)
}

// excerpt shows the lines around the first occurrence of sec.
func excerpt(s, sec string) string {
	i := strings.Index(s, sec)
	lo, hi := max(i-300, 0), min(i+300, len(s))
	return s[lo:hi]
}
