// Package secretstest holds the one table test of secrets: every URL form
// resync accepts or refuses, with a unique password planted in it, against
// every source that may print a URL — redaction, target parsing,
// configuration loading and the commands' outputs. A new source of output
// or errors gets a row in sources; a new URL form a row in forms.
package secretstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// unreachable is where every network form points: refused at once.
const unreachable = "127.0.0.1:1"

// form is one URL shape. url has {PW} where the password goes; kind says
// which key and flag take it ("db", "redis", "http" or "pgbouncer"); commands runs the
// resync commands with it too (they are slower than the other sources).
type form struct {
	url      string
	kind     string
	commands bool
}

// specials are the password shapes planted in every userinfo form: each
// character that breaks a URL raw, then percent-encoded, and unicode. The
// password is "<a><sep><b>"; neither half may appear in any output.
var specials = []string{"", "/", "#", "?", "@", ":", "%", " ", ",", "\"", "\\", "\t", "[", "ü€", "%2F", "%23", "%3F", "%40", "%3A", "%25", "%20", "%C3%BC"}

// queryNames are the parameters that carry secrets, in mixed case.
var queryNames = []string{"password", "Pass", "pwd", "secret", "token", "access_token", "JWT", "session",
	"id_token", "refresh_token", "sas", "sig", "Signature", "api_key", "apikey", "key", "sslpassword", "client_secret"}

func forms(dir string) []form {
	var out []form
	schemes := []struct{ scheme, kind string }{
		{"postgres", "db"}, {"postgresql", "db"}, {"mysql", "db"},
		{"redis", "redis"}, {"rediss", "redis"}, {"http", "http"}, {"https", "http"},
	}
	for _, s := range schemes {
		for _, sep := range specials {
			pw := "{A}" + sep + "{B}"
			// the commands run every password shape for postgres, and the
			// raw / for the other schemes
			cmds := s.scheme == "postgres" || sep == "/"
			out = append(out,
				form{s.scheme + "://app:" + pw + "@" + unreachable + "/db", s.kind, cmds},
				form{s.scheme + "://:" + pw + "@" + unreachable, s.kind, false},
			)
		}
	}
	// pgbouncer consoles: the observe commands run them
	for _, sep := range specials {
		pw := "{A}" + sep + "{B}"
		out = append(out, form{"postgres://app:" + pw + "@" + unreachable + "/pgbouncer", "pgbouncer", sep == "" || sep == "/" || sep == "%40"})
	}
	for _, name := range queryNames {
		out = append(out,
			form{"https://" + unreachable + "/cb?page=2&" + name + "={A}{B}", "http", true},
			form{"postgres://app@" + unreachable + "/db?sslmode=disable&" + name + "={A}{B}", "db", false},
		)
	}
	out = append(out,
		// the user part alone is the password: Redis 5 style, web tokens
		form{"redis://{A}{B}@" + unreachable, "redis", true},
		form{"rediss://{A}{B}@" + unreachable + "/0", "redis", true},
		form{"redis://{A}/{B}@" + unreachable, "redis", true},
		form{"https://{A}{B}@" + unreachable + "/", "http", true},
		// SQLite's authentication and SQLCipher keys
		form{"sqlite://" + dir + "/a.db?_auth&_auth_user=app&_auth_pass={A}{B}", "db", true},
		form{"sqlite://" + dir + "/b.db?_pragma=key={A}{B}", "db", true},
		form{"sqlite://" + dir + "/c.db?_pragma=key%3D{A}{B}", "db", false},
		form{"sqlite://" + dir + "/d.db?_pragma=hexkey(%27{A}{B}%27)", "db", false},
		// multi-host PostgreSQL
		form{"postgres://app:{A}{B}@127.0.0.1:1,127.0.0.1:2/db", "db", true},
		form{"postgres://app:{A}/{B}@127.0.0.1:1,127.0.0.1:2/db", "db", true},
		// unparsable for other reasons than the password, or parsable with
		// the password taken for a port, path or query
		form{"postgres://app:{A}{B}@127.0.0.1:port/db", "db", true},
		form{"postgres://app:{A}{B}@[::1/db", "db", true},
		form{"mysql://app:{A}{B}@" + unreachable + "/db%zz", "db", true},
		form{"redis://:{A}{B}@127.0.0.1:65536", "redis", true},
		form{"postgres://app:/{A}{B}@" + unreachable + "/db", "db", true},
		form{"postgres://app:1234?{A}{B}@" + unreachable + "/db", "db", true},
		form{"mysql://app:{A}{B}@" + unreachable + "/db?password={A}x", "db", true},
		form{"postgres://app:{A}@{B}@" + unreachable + "/db", "db", true},
	)
	return out
}

// planted is one form with its password: raw, and the fragments that must
// not appear.
type planted struct {
	form
	raw     string
	secrets []string
}

func plant(i int, f form) planted {
	a, b := fmt.Sprintf("Zk%03da", i), fmt.Sprintf("Zk%03db", i)
	raw := strings.NewReplacer("{A}", a, "{B}", b).Replace(f.url)
	return planted{form: f, raw: raw, secrets: []string{a, b}}
}

func (p planted) leak(s string) string {
	for _, sec := range p.secrets {
		if strings.Contains(s, sec) {
			return sec
		}
	}
	return ""
}

// hasSpace: free text cannot tell where a URL with raw white space in its
// password ends, so redact.Text is not asked about it (every error path
// redacts such a URL with redact.URL before it becomes text).
func (p planted) hasSpace() bool { return strings.ContainsAny(p.raw, " \t\n") }

var keys = map[string]struct{ key, env, flag string }{
	"db":        {target.KeyDatabaseURLs, "DATABASE_URL", "--db"},
	"redis":     {target.KeyRedisURL, "REDIS_URL", "--redis"},
	"http":      {target.KeyHTTPURLs, "RESYNC_HTTP_URL", "--http"},
	"pgbouncer": {target.KeyPgbouncerURLs, "RESYNC_PGBOUNCER_URL", "--pgbouncer"},
}

// source is one place that may print a URL: it returns what it printed.
type source struct {
	name string
	run  func(t *testing.T, p planted) []string
}

func errText(err error) []string {
	if err == nil {
		return nil
	}
	return []string{err.Error()}
}

func loadErr(t *testing.T, o config.LoadOptions) []string {
	if o.LookupEnv == nil {
		o.LookupEnv = func(string) (string, bool) { return "", false }
	}
	o.WorkDir = t.TempDir()
	_, err := config.Load(o)
	return errText(err)
}

var sources = []source{
	{"redact.URL", func(_ *testing.T, p planted) []string { return []string{redact.URL(p.raw)} }},
	{"redact.Text", func(_ *testing.T, p planted) []string {
		if p.hasSpace() {
			return nil
		}
		return []string{redact.Text("dial " + p.raw + ": connection refused"), redact.Text(`"` + p.raw + `"`)}
	}},
	{"target.KindOf", func(_ *testing.T, p planted) []string {
		_, err := target.KindOf(p.raw)
		return errText(err)
	}},
	{"target.New", func(_ *testing.T, p planted) []string {
		tg, err := target.New("database", p.raw)
		if err != nil {
			return errText(err)
		}
		return []string{tg.String(), fmt.Sprintf("%v %+v %#v %q", tg, tg, tg, tg)}
	}},
	{"target.FromURLs", func(_ *testing.T, p planted) []string {
		// every URL in every key, so that the wrong-kind error speaks too
		_, err := target.FromURLs([]string{p.raw}, "", nil)
		_, err2 := target.FromURLs(nil, p.raw, nil)
		_, err3 := target.FromURLs(nil, "", []string{p.raw})
		return append(append(errText(err), errText(err2)...), errText(err3)...)
	}},
	{"target.Pgbouncers", func(_ *testing.T, p planted) []string {
		_, err := target.Pgbouncers([]string{p.raw})
		return errText(err)
	}},
	{"config env RESYNC_PGBOUNCER_URL", func(t *testing.T, p planted) []string {
		return loadErr(t, config.LoadOptions{LookupEnv: func(name string) (string, bool) {
			return p.raw, name == "RESYNC_PGBOUNCER_URL"
		}})
	}},
	{"target.FromMetricsURLs", func(_ *testing.T, p planted) []string {
		_, err := target.FromMetricsURLs([]string{"http://ok/metrics", p.raw})
		return errText(err)
	}},
	{"config TARGETS.METRICS_URLS", func(t *testing.T, p planted) []string {
		// every form, so that the wrong-kind error speaks too
		file := filepath.Join(t.TempDir(), "settings.toml")
		if err := os.WriteFile(file, []byte("[default.TARGETS]\nMETRICS_URLS = ['"+p.raw+"']\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := loadErr(t, config.LoadOptions{File: file})
		out = append(out, loadErr(t, config.LoadOptions{LookupEnv: func(name string) (string, bool) {
			return p.raw, name == "RESYNC_METRICS_URL"
		}})...)
		return append(out, loadErr(t, config.LoadOptions{Flags: []config.FlagValue{
			{Key: target.KeyMetricsURLs, Flag: "--metrics", Value: p.raw}}})...)
	}},
	{"target.MySQLConfig", func(_ *testing.T, p planted) []string {
		_, err := target.MySQLConfig(p.raw)
		return errText(err)
	}},
	{"config file", func(t *testing.T, p planted) []string {
		k := keys[p.kind]
		table, key, _ := strings.Cut(k.key, ".")
		value := "'" + p.raw + "'"
		if p.kind != "redis" {
			value = "[" + value + "]"
		}
		file := filepath.Join(t.TempDir(), "settings.toml")
		if err := os.WriteFile(file, []byte("[default."+table+"]\n"+key+" = "+value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return loadErr(t, config.LoadOptions{File: file})
	}},
	{"config env", func(t *testing.T, p planted) []string {
		env := keys[p.kind].env
		return loadErr(t, config.LoadOptions{LookupEnv: func(name string) (string, bool) {
			return p.raw, name == env
		}})
	}},
	{"config flag", func(t *testing.T, p planted) []string {
		k := keys[p.kind]
		return loadErr(t, config.LoadOptions{Flags: []config.FlagValue{{Key: k.key, Flag: k.flag, Value: p.raw}}})
	}},
	{"config env in the wrong key", func(t *testing.T, p planted) []string {
		env := "REDIS_URL"
		if p.kind == "redis" {
			env = "DATABASE_URL"
		}
		return loadErr(t, config.LoadOptions{LookupEnv: func(name string) (string, bool) {
			return p.raw, name == env
		}})
	}},
}

// commands are the resync invocations run with each form marked commands:
// the URL is appended as the kind's flag (or, for "pools recommend", as
// an argument too).
var commands = [][]string{
	{"report", "--duration", "100ms", "--timeout", "1s"},
	{"report", "--duration", "100ms", "--timeout", "1s", "-o", "json"},
	{"pools", "stats", "--duration", "100ms", "--timeout", "1s", "-o", "markdown"},
	{"pools", "recommend", "--step-duration", "50ms", "--timeout", "1s", "-o", "json"},
	{"leaks", "-o", "json"},
	{"config", "show", "-o", "json"},
	// every other output: the text table, HTML, -v logs and --output-file
	// ({OUT} is replaced by a file in a temporary directory, read back)
	{"report", "--duration", "100ms", "--timeout", "1s", "-v", "-o", "html", "--output-file", "{OUT}.md"},
	{"pools", "stats", "--duration", "100ms", "--timeout", "1s", "-v", "--output-file", "{OUT}.html"},
	{"leaks", "-v", "--output-file", "{OUT}.txt"},
	{"config", "show", "-v", "--output-file", "{OUT}.json"},
}

// observeCommands are run instead of commands for a pgbouncer console,
// which only report --observe reads.
var observeCommands = [][]string{
	{"report", "--observe", "200ms", "--interval", "100ms"},
	{"report", "--observe", "200ms", "--interval", "100ms", "-v", "-o", "json", "--output-file", "{OUT}.html"},
}

func runResync(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "test"})
	f.LookupEnv = func(string) (string, bool) { return "", false }
	f.WorkDir = t.TempDir()
	f.Signals = nil
	code := cmd.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestPlantedPasswordNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	fs := forms(dir)
	for i, f := range fs {
		p := plant(i, f)
		// named by the template: the name becomes t.TempDir's path
		t.Run(fmt.Sprintf("%03d %s", i, f.url), func(t *testing.T) {
			for _, s := range sources {
				for _, out := range s.run(t, p) {
					if sec := p.leak(out); sec != "" {
						t.Errorf("%s prints %q of the password: %s", s.name, sec, out)
					}
				}
			}
			if !p.commands || testing.Short() {
				return
			}
			flag := keys[p.kind].flag
			cmds := commands
			if p.kind == "pgbouncer" {
				cmds = observeCommands
			}
			for _, args := range cmds {
				args = append(append([]string{}, args...), flag, p.raw)
				var outFile string
				for j, a := range args {
					if strings.HasPrefix(a, "{OUT}") {
						outFile = filepath.Join(t.TempDir(), "out"+strings.TrimPrefix(a, "{OUT}"))
						args[j] = outFile
					}
				}
				if args[0] == "pools" && args[1] == "recommend" {
					args = append(args, p.raw)
				}
				_, stdout, stderr := runResync(t, args...)
				name := args[0]
				if !strings.HasPrefix(args[1], "-") {
					name += " " + args[1]
				}
				outs := []string{stdout, stderr}
				if outFile != "" {
					if b, err := os.ReadFile(outFile); err == nil {
						outs = append(outs, string(b))
					}
				}
				for _, out := range outs {
					if sec := p.leak(out); sec != "" {
						t.Errorf("resync %s prints %q of the password:\n%s", name, sec, out)
					}
				}
			}
		})
	}
}

// TestPlantedPasswordObserveMetrics: report --observe --metrics with every
// http(s) form the commands run prints none of its password or token — in
// the report, the unreachable target's error, -v and the usage errors of
// --metrics without --observe.
func TestPlantedPasswordObserveMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("runs resync commands")
	}
	fs := forms(t.TempDir())
	for i, f := range fs {
		if f.kind != "http" || !f.commands {
			continue
		}
		p := plant(i, f)
		t.Run(fmt.Sprintf("%03d %s", i, f.url), func(t *testing.T) {
			for _, args := range [][]string{
				{"report", "--observe", "100ms", "--interval", "100ms", "-o", "json", "--metrics", p.raw},
				{"report", "--observe", "100ms", "--interval", "100ms", "-v", "--metrics", p.raw},
				{"report", "--metrics", p.raw},
			} {
				_, stdout, stderr := runResync(t, args...)
				for _, out := range []string{stdout, stderr} {
					if sec := p.leak(out); sec != "" {
						t.Errorf("resync %s prints %q of the password:\n%s", strings.Join(args[:3], " "), sec, out)
					}
				}
			}
		})
	}
}

// TestBadURLsExitUsage: a URL refused for its syntax is a usage error (exit
// 2), in flags and positional arguments alike, and says scheme://***@… at
// most.
func TestBadURLsExitUsage(t *testing.T) {
	for _, raw := range []string{
		"postgres://app:S3cr/et@h:5432/db",
		"mysql://u:p#w@h/db",
		"redis://:a?b@h:6379",
	} {
		for _, args := range [][]string{
			{"report", "--db", raw},
			{"pools", "recommend", raw},
		} {
			if strings.HasPrefix(raw, "redis") && args[0] == "report" {
				args = []string{"report", "--redis", raw}
			}
			code, stdout, stderr := runResync(t, args...)
			if code != cmdutil.ExitUsage {
				t.Errorf("resync %v: exit %d, want %d (stderr %q)", args, code, cmdutil.ExitUsage, stderr)
			}
			for _, s := range []string{"S3cr", "et@", "p#w", "a?b", ":a", "#w"} {
				if strings.Contains(stdout+stderr, s) {
					t.Errorf("resync %v prints %q:\nstdout %s\nstderr %s", args, s, stdout, stderr)
				}
			}
		}
	}
}
