package adversarial

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// secretForm is a URL form of #18 with {A} and {B} where the password's two
// halves go, and the flag that takes it.
type secretForm struct {
	name, flag, url string
}

// secretForms are the shapes #18 found printed: a password with /, # or ?,
// the web-token query parameters, SQLite's keys and a Redis 5 style token,
// and a plain password as the control. {DIR} is the case's directory.
var secretForms = []secretForm{
	{"password with /", "--db", "postgres://app:{A}/{B}@127.0.0.1:1/db"},
	{"password with #", "--db", "mysql://app:{A}#{B}@127.0.0.1:1/db"},
	{"password with ?", "--redis", "redis://:{A}?{B}@127.0.0.1:1"},
	{"jwt=", "--http", "https://127.0.0.1:1/cb?page=2&jwt={A}{B}"},
	{"session=", "--http", "https://127.0.0.1:1/cb?session={A}{B}"},
	{"id_token=", "--http", "https://127.0.0.1:1/cb?id_token={A}{B}"},
	{"refresh_token=", "--http", "https://127.0.0.1:1/cb?refresh_token={A}{B}"},
	{"sas=", "--http", "https://127.0.0.1:1/blob?sv=1&sas={A}{B}"},
	{"sqlite _auth_pass=", "--db", "sqlite://{DIR}/a.db?_auth&_auth_user=app&_auth_pass={A}{B}"},
	{"sqlite _pragma=key=", "--db", "sqlite://{DIR}/b.db?_pragma=key={A}{B}"},
	{"redis://TOKEN@host", "--redis", "redis://{A}{B}@127.0.0.1:1"},
	{"plain password", "--db", "postgres://app:{A}{B}@127.0.0.1:1/db?sslmode=disable"},
}

// secretOutput is one command whose every output is read: stdout, stderr
// and the file {OUT}.ext it writes.
type secretOutput struct {
	name string
	args []string
	// positional also passes the URL as an argument
	positional bool
}

var secretOutputs = []secretOutput{
	{"report json, -v log, markdown file", []string{"report", "--duration", "100ms", "--timeout", "1s", "-v", "-o", "json", "--output-file", "{OUT}.md"}, false},
	{"report html, table file", []string{"report", "--duration", "100ms", "--timeout", "1s", "-o", "html", "--output-file", "{OUT}.txt"}, false},
	{"pools stats markdown", []string{"pools", "stats", "--duration", "100ms", "--warmup", "0", "--timeout", "1s", "-o", "markdown"}, false},
	{"pools recommend json, positional URL", []string{"pools", "recommend", "--step-duration", "50ms", "--timeout", "1s", "-o", "json"}, true},
	{"leaks json", []string{"leaks", "-o", "json"}, false},
	{"config show json", []string{"config", "show", "-o", "json"}, false},
}

// servePaths are the API bodies read from serve.
var servePaths = []string{
	"/api/performance/report", "/api/performance/pools/metrics", "/api/performance/health",
	"/api/performance/resources/leaks", "/metrics",
}

// planted is a form with its password in place.
type planted struct {
	raw     string
	secrets []string
}

func plant(i int, f secretForm, dir string) planted {
	a, b := fmt.Sprintf("Qx%02dsecA", i), fmt.Sprintf("Qx%02dsecB", i)
	raw := strings.NewReplacer("{A}", a, "{B}", b, "{DIR}", dir).Replace(f.url)
	return planted{raw: raw, secrets: []string{a, b}}
}

func (p planted) leak(outs ...string) error {
	for _, o := range outs {
		for _, s := range p.secrets {
			if i := strings.Index(o, s); i >= 0 {
				return fmt.Errorf("prints %q of the password: …%s…", s, o[max(i-120, 0):min(i+60, len(o))])
			}
		}
	}
	return nil
}

// SecretCases: every form × every output, every form × every serve body,
// and the public /health.
func SecretCases() []Case {
	var cs []Case
	for i, f := range secretForms {
		for _, o := range secretOutputs {
			cs = append(cs, Case{Area: AreaSecrets, Name: f.name + " × " + o.name, Check: func(t *testing.T, r Runner, dir string) error {
				return checkOutput(r, dir, plant(i, f, dir), f.flag, o)
			}})
		}
		// one serve per form and runner, read on every path: each path is
		// its own case
		once := map[string]*serveOnce{}
		for _, path := range servePaths {
			cs = append(cs, Case{Area: AreaSecrets, Name: f.name + " × serve " + path, Check: func(t *testing.T, r Runner, dir string) error {
				so := once[r.Name()]
				if so == nil {
					so = &serveOnce{}
					once[r.Name()] = so
					p := plant(i, f, dir)
					so.leak = p.leak
					so.bodies, so.err = serveBodies(t, r, dir, f.flag, p.raw)
				}
				if so.err != nil {
					return so.err
				}
				return so.leak(so.bodies[path], so.bodies["stdout"], so.bodies["stderr"])
			}, Serve: true})
		}
	}
	cs = append(cs, Case{Area: AreaSecrets, Name: "public /health names no user, database or host", Check: publicHealth, Serve: true})
	return cs
}

func checkOutput(r Runner, dir string, p planted, flag string, o secretOutput) error {
	args := append([]string{}, o.args...)
	var outFile string
	for j, a := range args {
		if strings.HasPrefix(a, "{OUT}") {
			outFile = filepath.Join(dir, "out"+strings.TrimPrefix(a, "{OUT}"))
			args[j] = outFile
		}
	}
	args = append(args, flag, p.raw)
	if o.positional {
		args = append(args, p.raw)
	}
	res := r.Run(Inv{Args: args, Dir: dir, Env: smallPools})
	if err := crashed(res); err != nil {
		return err
	}
	outs := []string{res.Stdout, res.Stderr}
	if outFile != "" {
		if b, err := os.ReadFile(outFile); err == nil {
			outs = append(outs, string(b))
		}
	}
	return p.leak(outs...)
}

// smallPools keeps the pools of unreachable targets small and quick.
var smallPools = map[string]string{
	"DB_POOL_MIN_SIZE": "1", "REDIS_POOL_MIN_SIZE": "1", "HTTP_POOL_MIN_SIZE": "1",
	"DB_POOL_CONNECT_TIMEOUT": "1", "REDIS_POOL_CONNECT_TIMEOUT": "1", "HTTP_POOL_CONNECT_TIMEOUT": "1",
}

// crashed: a panic, a kill or a timeout is a failure of every case.
func crashed(res Result) error {
	switch {
	case res.TimedOut:
		return fmt.Errorf("still running after %v: killed", res.Elapsed.Round(time.Millisecond))
	case strings.Contains(res.Stderr, "panic:") || strings.Contains(res.Stderr, "goroutine "):
		return fmt.Errorf("exit %d with a Go panic or dump: %s", res.Code, oneLine(res.Stderr, 200))
	case strings.Contains(res.Stderr, "out of memory"):
		return fmt.Errorf("exit %d: out of memory", res.Code)
	case res.Code < 0 || res.Code > 130:
		return fmt.Errorf("killed (exit %d): %s", res.Code, oneLine(res.Stderr, 200))
	}
	return nil
}

// serveOnce is one serve run's bodies, shared by the cases of its paths.
type serveOnce struct {
	bodies map[string]string
	err    error
	leak   func(...string) error
}

// serveBodies starts serve on the URL, reads every path after a few
// rebuilds and returns the bodies with serve's stdout and stderr. A serve
// that refuses the URL (exit 2 before listening) has only its output: the
// URL never reached the API, and the message must hide the password.
func serveBodies(t *testing.T, r Runner, dir, flag, raw string) (map[string]string, error) {
	s, err := startServe(t, r, dir, flag, raw)
	if err != nil {
		return nil, err
	}
	bodies := map[string]string{}
	if s.base == "" { // ended before serving
		res := s.proc.Wait()
		if res.Code == 0 {
			return nil, fmt.Errorf("serve ended before serving with exit 0")
		}
		bodies["stdout"], bodies["stderr"] = res.Stdout, res.Stderr
		return bodies, nil
	}
	time.Sleep(400 * time.Millisecond) // a few rebuilds, the probes' errors in
	for _, path := range servePaths {
		_, body, gerr := s.get(path, "")
		if gerr != nil {
			s.stop()
			return nil, gerr
		}
		bodies[path] = body
	}
	res := s.stop()
	bodies["stdout"], bodies["stderr"] = res.Stdout, res.Stderr
	return bodies, nil
}

// publicHealth: without the token, /health says the status and generic
// reasons only, not the target's user, database or host:port.
func publicHealth(t *testing.T, r Runner, dir string) error {
	s, err := startServe(t, r, dir, "--token", "tok-adversarial", "--db", "postgres://resyncuser@127.0.0.1:1/resyncdb")
	if err != nil {
		return err
	}
	if s.base == "" {
		res := s.proc.Wait()
		return fmt.Errorf("serve did not start: exit %d %s", res.Code, oneLine(res.Stderr, 200))
	}
	time.Sleep(300 * time.Millisecond)
	_, body, gerr := s.get("/api/performance/health", "")
	s.stop()
	if gerr != nil {
		return gerr
	}
	for _, s := range []string{"resyncuser", "resyncdb", "127.0.0.1:1"} {
		if strings.Contains(body, s) {
			return fmt.Errorf("the unauthenticated /health shows %q: %s", s, oneLine(body, 300))
		}
	}
	return nil
}
