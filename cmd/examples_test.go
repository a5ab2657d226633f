package cmd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// TestHelpExamplesRun runs every example of every command's --help and every
// "resync …" line of README.md's ```sh blocks, each as a testscript of its
// own against the embedded targets or the test services, and asserts its
// exit code: 0, or 0 or 3 when the example shows a gate (--fail-on,
// --fail-under-score, --fail-on-leaks, --threshold). An example that names
// a server, a file or a shell construct this test does not know fails with
// a message saying which table below to extend, so a new example is run
// too, never skipped. The curl lines of a --help (serve's API calls) run
// as httpget against "resync serve" on the embedded targets.
//
// What is changed in an example before it runs, all in the tables below:
//   - exampleURLs: the placeholder servers (postgres://app:secret@db:5432/app,
//     redis://cache:6379, http://localhost:8080/…) become the
//     RESYNC_TEST_* services or an httptest server (an example needing an
//     unset service is skipped, or fails under RESYNC_TEST_REQUIRE_SERVICES);
//   - exampleDurations: run lengths are shortened (--duration 30s → 1s,
//     --observe 60s → 2s, …), and exampleEnv sets the default duration to
//     1 s and keeps pools small (the servers are shared);
//   - exampleShell: $(…) substitutions, the commands piped into resync and
//     those it pipes into; ">> FILE" and "| jq …" go to the script's stdout;
//   - exampleAppend: flags added where an example's default would run long
//     or collide (a sweep's step length, serve's port 8080);
//   - exampleFixtures: the files the examples name (traces, SQL scripts,
//     settings files), written into each example's fresh directory.
func TestHelpExamplesRun(t *testing.T) {
	examples := helpExamples(NewRoot(cmdutil.NewFactory(cmdutil.System(), cmdutil.BuildInfo{})))
	if len(examples) < minHelpExamples {
		t.Fatalf("found %d --help examples, want at least %d: is the extraction broken?", len(examples), minHelpExamples)
	}
	readme, err := readmeExamples(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(readme) < minReadmeExamples {
		t.Fatalf("found %d README.md examples, want at least %d: is the extraction broken?", len(readme), minReadmeExamples)
	}
	// A service's Prometheus endpoint for the --metrics examples: a
	// database/sql pool's DBStats as client_golang exposes them (the
	// recorded exposition pkg/observe/prom decodes in its tests).
	exposition, err := os.ReadFile(filepath.Join("..", "pkg", "observe", "prom", "testdata", "sql.prom"))
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			_, _ = w.Write(exposition)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(web.Close) // after the scripts: they run as parallel subtests
	services := exampleServices(web.URL)

	dir := t.TempDir()
	seen := map[string]bool{}
	for i, ex := range append(examples, readme...) {
		script, err := exampleScript(ex, services)
		if err != nil {
			t.Errorf("%s: example %q: %v", ex.Source, ex.Line, err)
			continue
		}
		_, body, _ := strings.Cut(script, "\n") // without the header naming its source
		if seen[body] {
			continue // the same example in a parent's and a child's help
		}
		seen[body] = true
		name := fmt.Sprintf("%02d-%s.txtar", i, slug(ex.Line))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	curls := 0
	for _, ex := range helpCurls(NewRoot(cmdutil.NewFactory(cmdutil.System(), cmdutil.BuildInfo{}))) {
		script, n, err := curlScript(ex)
		if err != nil {
			t.Errorf("%s: curl examples: %v", ex.Source, err)
			continue
		}
		curls += n
		name := "curl-" + slug(ex.Source) + ".txtar"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if curls < minCurlExamples {
		t.Fatalf("found %d curl examples, want at least %d: is the extraction broken?", curls, minCurlExamples)
	}
	t.Logf("%d --help examples, %d README.md examples, %d distinct; %d curl examples", len(examples), len(readme), len(seen), curls)
	p := scriptParams(dir)
	p.Cmds["fixtures"] = writeFixtures
	p.Cmds["exits"] = exits
	testscript.Run(t, p)
}

// minHelpExamples and minReadmeExamples are floors on what the extraction
// finds, so that a broken parser cannot pass by running nothing. Raise them
// when examples are added.
const (
	minHelpExamples   = 50
	minReadmeExamples = 1
	minCurlExamples   = 4
)

// example is one command line of a --help or the README.
type example struct {
	Source string // "resync pools stats --help" or "README.md"
	Line   string // continuation lines joined, comment removed
}

// helpExamples walks the command tree and returns every example line.
func helpExamples(c *cobra.Command) []example {
	var out []example
	for _, line := range exampleLines(c.Example) {
		out = append(out, example{Source: c.CommandPath() + " --help", Line: line})
	}
	for _, sub := range c.Commands() {
		out = append(out, helpExamples(sub)...)
	}
	return out
}

// readmeExamples returns the resync lines of the ```sh blocks of a
// Markdown file; the set-up lines (go run, go test, export, …) are not
// resync's.
func readmeExamples(path string) ([]example, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []example
	var block strings.Builder
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.TrimSpace(line) == "```sh":
			in = true
			block.Reset()
		case in && strings.TrimSpace(line) == "```":
			in = false
			for _, l := range exampleLines(block.String()) {
				out = append(out, example{Source: filepath.Base(path), Line: l})
			}
		case in:
			block.WriteString(line + "\n")
		}
	}
	return out, sc.Err()
}

// exampleLines returns the lines of text that run resync: trailing
// backslashes join lines, "#" comment lines and other commands (curl, go,
// export) are left out.
func exampleLines(text string) []string {
	var out []string
	var cur strings.Builder
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(strings.TrimSpace(cont) + " ")
			continue
		}
		cur.WriteString(line)
		full := strings.TrimSpace(cur.String())
		cur.Reset()
		if full == "" || strings.HasPrefix(full, "#") {
			continue
		}
		if runsResync(full) {
			out = append(out, full)
		}
	}
	return out
}

var assignment = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=\S*\s+`)

// runsResync reports whether resync is one of the line's words: such a
// line must then run (exampleScript fails on one it cannot), so no
// example is left out by a parser that misreads it.
func runsResync(line string) bool { return resyncWord.MatchString(line) }

var resyncWord = regexp.MustCompile(`(^|\s)resync(\s|$)`)

// exampleURLs maps each placeholder server of the examples to the service
// it runs against: postgres, mysql, redis (the RESYNC_TEST_* URLs) or http
// (an httptest server in this test, the URL's path kept).
var exampleURLs = map[string]string{
	"postgres://app:secret@db:5432/app": "postgres",
	"postgres://app@db:5432/app":        "postgres",
	"postgres://app@db/app":             "postgres",
	"postgres://app@localhost/app":      "postgres",
	"mysql://app@db2:3306/shop":         "mysql",
	"redis://cache:6379":                "redis",
	"redis://cache:6379/0":              "redis",
	"redis://localhost:6379":            "redis",
	"http://localhost:8080":             "http",
	"https://api.internal":              "http",
	"http://svc:8080/metrics":           "http", // serves a Prometheus exposition at /metrics
	// a private pgbouncer the script starts in front of the test PostgreSQL
	"postgres://stats@pgbouncer:6432/pgbouncer": "pgbouncer",
}

// exampleAddrs moves the listen addresses of the examples to a free port
// (${PORT}, set by the script): 8080 is not ours to take.
var exampleAddrs = map[string]string{"0.0.0.0:8080": "0.0.0.0:${PORT}"}

// exampleDurations shortens the run lengths the examples give.
var exampleDurations = map[string]string{
	"--duration":      "1s",
	"--warmup":        "200ms",
	"--observe":       "2s",
	"--interval":      "500ms",
	"--watch":         "2s",
	"--step-duration": "100ms",
}

// exampleCaps bounds the operation counts the examples give.
var exampleCaps = map[string]int{"--requests": 20000}

// exampleEnv is set for every example (an example's own NAME=value wins):
// runs default to 1 s, and pools stay small on the shared test servers.
var exampleEnv = []string{
	"RESYNC_WORKLOAD_DURATION=1s",
	"DB_POOL_MIN_SIZE=1", "DB_POOL_MAX_SIZE=4",
	"REDIS_POOL_MIN_SIZE=1", "REDIS_POOL_MAX_SIZE=4",
	"HTTP_POOL_MIN_SIZE=1", "HTTP_POOL_MAX_SIZE=4",
}

// exampleShell replaces the shell constructs the examples use: a command
// substitution by its kind of value, and the commands piped into resync by
// the fixture file they would produce (read as stdin). Commands resync
// pipes into (jq, less) and ">>"/">" redirections are dropped: the output
// goes to the script's stdout.
var exampleShell = struct {
	Substitutions map[string]string
	StdinFrom     map[string]string
	PipeTo        []string
}{
	Substitutions: map[string]string{
		"$(openssl rand -hex 16)": "0123456789abcdef0123456789abcdef",
		"$RESYNC_API_TOKEN":       "0123456789abcdef0123456789abcdef",
	},
	StdinFrom: map[string]string{"zcat keys.gz": "keys.txt"},
	PipeTo:    []string{"jq", "less"},
}

// exampleAppend are flags added to a command's examples that lack them
// (and have When, if set): a sweep's 2 s steps and the synthetic cache
// workload's million requests would make the run long, and serve's
// default port 8080 is not ours to take.
var exampleAppend = []struct {
	Command, When string
	Flags         []string
}{
	{Command: "pools recommend", Flags: []string{"--step-duration", "100ms"}},
	{Command: "serve", Flags: []string{"--addr", "127.0.0.1:${PORT}"}},
	{Command: "cache simulate", When: "--dist", Flags: []string{"--requests", "20000"}},
}

// appendFlags returns the exampleAppend flags for sub's args.
func appendFlags(sub string, args []string) []string {
	var out []string
	for _, a := range exampleAppend {
		if a.Command == sub && (a.When == "" || slices.Contains(args, a.When)) {
			out = append(out, missingFlags(args, a.Flags)...)
		}
	}
	return out
}

// gateFlags make an example a gate: exit code 3 (a finding) is then as
// much a success as 0.
var gateFlags = []string{"--fail-on", "--fail-under-score", "--fail-on-leaks", "--threshold"}

// exampleServices resolves the service names of exampleURLs: a URL, or ""
// when its variable is unset.
func exampleServices(httpURL string) map[string]string {
	return map[string]string{
		"postgres": os.Getenv("RESYNC_TEST_POSTGRES_URL"),
		"mysql":    os.Getenv("RESYNC_TEST_MYSQL_URL"),
		"redis":    os.Getenv("RESYNC_TEST_REDIS_URL"),
		"http":     httpURL,
	}
}

var serviceEnv = map[string]string{
	"postgres": "RESYNC_TEST_POSTGRES_URL", "mysql": "RESYNC_TEST_MYSQL_URL", "redis": "RESYNC_TEST_REDIS_URL",
}

// exampleScript turns one example into a testscript.
func exampleScript(ex example, services map[string]string) (string, error) {
	line := ex.Line
	for from, to := range exampleShell.Substitutions {
		line = strings.ReplaceAll(line, from, to)
	}
	words, err := shellWords(line)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n", ex.Source, ex.Line)
	pre, cmd, err := splitPipeline(words)
	if err != nil {
		return "", err
	}
	var env []string
	for len(cmd) > 0 && assignment.MatchString(cmd[0]+" ") {
		e := cmd[0]
		if strings.Contains(e, "://") {
			if e, err = withServices(e, services, &b); err != nil {
				return "", err
			}
		}
		env = append(env, e)
		cmd = cmd[1:]
	}
	if len(cmd) == 0 || cmd[0] != "resync" {
		return "", errors.New("the command is not resync")
	}
	args, err := substitute(cmd[1:], services, &b)
	if err != nil {
		return "", err
	}
	sub := subcommand(args)
	args = append(args, appendFlags(sub, args)...)

	if sub == "config init" && !slices.Contains(args, "--force") {
		b.WriteString("fixtures -nosettings\n") // init refuses to overwrite ./settings.toml
	} else {
		b.WriteString("fixtures\n")
	}
	for _, e := range append(slices.Clone(exampleEnv), env...) {
		fmt.Fprintf(&b, "env %s\n", quoteWord(e))
	}
	if pre != "" {
		file, ok := exampleShell.StdinFrom[pre]
		if !ok {
			return "", fmt.Errorf("%q is piped into resync: add what it produces to exampleShell.StdinFrom", pre)
		}
		fmt.Fprintf(&b, "stdin %s\n", file)
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = quoteWord(a)
	}
	if sub == "serve" {
		b.WriteString("freeport PORT\n") // before the arguments that use it
		fmt.Fprintf(&b, "exec resync %s &serve&\n", strings.Join(quoted, " "))
		b.WriteString("httpget http://127.0.0.1:$PORT/api/performance/health\n")
		b.WriteString("kill -INT serve\nwait serve\n")
	} else {
		codes := "0"
		if slices.ContainsFunc(args, isGate) {
			codes = "0,3"
		}
		fmt.Fprintf(&b, "exits %s resync %s\n", codes, strings.Join(quoted, " "))
	}
	b.WriteString("! stderr 'panic|goroutine \\d+ \\['\n")
	return b.String(), nil
}

// splitPipeline returns the command piped into resync (joined, "" for
// none) and resync's own words, without what it pipes into or redirects to.
func splitPipeline(words []string) (pre string, cmd []string, err error) {
	var parts [][]string
	cur := []string{}
	for _, w := range words {
		if w == "|" {
			parts = append(parts, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, w)
	}
	parts = append(parts, cur)
	at := slices.IndexFunc(parts, func(p []string) bool {
		i := slices.IndexFunc(p, func(w string) bool { return !assignment.MatchString(w + " ") })
		return i >= 0 && p[i] == "resync"
	})
	if at < 0 {
		return "", nil, errors.New("no resync command in the pipeline")
	}
	if at > 1 {
		return "", nil, errors.New("more than one command is piped into resync")
	}
	if at == 1 {
		pre = strings.Join(parts[0], " ")
	}
	for _, next := range parts[at+1:] {
		if len(next) == 0 || !slices.Contains(exampleShell.PipeTo, next[0]) {
			return "", nil, fmt.Errorf("resync pipes into %q: add it to exampleShell.PipeTo", strings.Join(next, " "))
		}
	}
	cmd = parts[at]
	if i := slices.IndexFunc(cmd, func(w string) bool { return w == ">" || w == ">>" }); i >= 0 {
		if i+2 != len(cmd) {
			return "", nil, errors.New("a redirection must end the command")
		}
		cmd = cmd[:i]
	}
	return pre, cmd, nil
}

// substitute applies exampleURLs and exampleDurations to resync's
// arguments, writing a skip line when a service is unset (an error under
// RESYNC_TEST_REQUIRE_SERVICES=1).
func substitute(args []string, services map[string]string, b *strings.Builder) ([]string, error) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasVal := strings.Cut(a, "=")
		if short, ok := exampleDurations[name]; ok && strings.HasPrefix(a, "--") {
			if hasVal {
				out = append(out, name+"="+short)
				continue
			}
			if i+1 < len(args) {
				out = append(out, a, short)
				i++
				continue
			}
		}
		if limit, ok := exampleCaps[name]; ok && !hasVal && i+1 < len(args) {
			if n, err := strconv.Atoi(args[i+1]); err == nil && n > limit {
				out = append(out, a, strconv.Itoa(limit))
				i++
				continue
			}
		}
		if strings.Contains(a, "://") {
			u, err := withServices(a, services, b)
			if err != nil {
				return nil, err
			}
			a = u
		}
		if to, ok := exampleAddrs[a]; ok {
			a = to
		}
		if strings.ContainsAny(scriptVar.ReplaceAllString(a, ""), "$`") {
			return nil, fmt.Errorf("argument %q expands a shell variable: add it to exampleShell.Substitutions", a)
		}
		out = append(out, a)
	}
	return out, nil
}

// withServices substitutes the service in a URL argument or in a NAME=URL
// assignment.
func withServices(a string, services map[string]string, b *strings.Builder) (string, error) {
	if m := assignment.FindString(a + " "); m != "" {
		name, u, _ := strings.Cut(a, "=")
		u, err := serviceURL(u, services, b)
		return name + "=" + u, err
	}
	return serviceURL(a, services, b)
}

func serviceURL(u string, services map[string]string, b *strings.Builder) (string, error) {
	for placeholder, service := range exampleURLs {
		rest, ok := strings.CutPrefix(u, placeholder)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			continue
		}
		if service == "pgbouncer" {
			if rest != "" {
				return "", fmt.Errorf("URL %s: a path on a pgbouncer placeholder is not in exampleURLs", u)
			}
			if os.Getenv("RESYNC_TEST_POSTGRES_URL") == "" && os.Getenv("RESYNC_TEST_REQUIRE_SERVICES") == "" {
				b.WriteString("skip 'RESYNC_TEST_POSTGRES_URL is not set'\n")
				return u, nil
			}
			b.WriteString("[!pgbouncer] skip 'pgbouncer is not installed'\npgbouncer 2\n")
			return "${PGBOUNCER_STATS_URL}", nil
		}
		real := services[service]
		if service != "http" {
			if real == "" {
				if os.Getenv("RESYNC_TEST_REQUIRE_SERVICES") != "" {
					return "", fmt.Errorf("%s is not set, but RESYNC_TEST_REQUIRE_SERVICES is", serviceEnv[service])
				}
				fmt.Fprintf(b, "skip '%s is not set'\n", serviceEnv[service])
				return u, nil
			}
			if rest == "/0" && service == "redis" {
				rest = ""
			}
			if rest != "" {
				return "", fmt.Errorf("URL %s: a path on a %s placeholder is not in exampleURLs", u, service)
			}
			return real, nil
		}
		return real + rest, nil
	}
	return "", fmt.Errorf("URL %s is not in exampleURLs: map it to a test service", u)
}

// subcommand is the command path of resync's arguments ("pools
// recommend"), flags and their values skipped.
func subcommand(args []string) string {
	var path []string
	c := NewRoot(cmdutil.NewFactory(cmdutil.System(), cmdutil.BuildInfo{}))
	if found, _, err := c.Find(args); err == nil {
		for found != nil && found != c {
			path = append([]string{found.Name()}, path...)
			found = found.Parent()
		}
	}
	return strings.Join(path, " ")
}

// missingFlags returns the flag/value pairs of add whose flag args lacks.
func missingFlags(args, add []string) []string {
	var out []string
	for i := 0; i+1 < len(add); i += 2 {
		has := slices.ContainsFunc(args, func(a string) bool { return a == add[i] || strings.HasPrefix(a, add[i]+"=") })
		if !has {
			out = append(out, add[i], add[i+1])
		}
	}
	return out
}

func isGate(arg string) bool {
	name, _, _ := strings.Cut(arg, "=")
	return slices.Contains(gateFlags, name)
}

// quoteWord quotes w for a testscript line; ${PORT} and ${HOME} are left
// for the script to expand.
func quoteWord(w string) string {
	var b strings.Builder
	for {
		loc := scriptVar.FindStringIndex(w)
		if loc == nil {
			break
		}
		if loc[0] > 0 {
			b.WriteString("'" + strings.ReplaceAll(w[:loc[0]], "'", "''") + "'")
		}
		b.WriteString(w[loc[0]:loc[1]])
		w = w[loc[1]:]
	}
	if w != "" || b.Len() == 0 {
		b.WriteString("'" + strings.ReplaceAll(w, "'", "''") + "'")
	}
	return b.String()
}

var scriptVar = regexp.MustCompile(`\$\{(PORT|HOME|PGBOUNCER_STATS_URL)\}`)

// shellWords splits a command line like a POSIX shell without expansions:
// blanks separate words, '…' and "…" quote, a backslash escapes, "#"
// starting a word comments out the rest, "|", ">" and ">>" are words of
// their own, and a leading "~/" is the home directory.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			w := cur.String()
			if strings.HasPrefix(w, "~/") {
				w = "${HOME}" + w[1:]
			}
			words = append(words, w)
		}
		cur.Reset()
		inWord = false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == '#' && !inWord:
			flush()
			return words, nil
		case c == '|':
			flush()
			words = append(words, "|")
		case c == '>':
			flush()
			if i+1 < len(line) && line[i+1] == '>' {
				i++
				words = append(words, ">>")
			} else {
				words = append(words, ">")
			}
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c quote", c)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, nil
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// slug names an example's script after its line.
func slug(line string) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(strings.TrimPrefix(line, "resync ")), "-"), "-")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// exits CODES CMD ARGS… runs a command like exec and fails unless its exit
// code is one of CODES (comma-separated).
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE[,CODE…] command [args…]")
	}
	var want []int
	for _, s := range strings.Split(args[0], ",") {
		n, err := strconv.Atoi(s)
		ts.Check(err)
		want = append(want, n)
	}
	err := ts.Exec(args[1], args[2:]...)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if !slices.Contains(want, code) {
		ts.Fatalf("exit code %d, want %s", code, args[0])
	}
}

// exampleFixtures are the files the examples name, written by "fixtures"
// into each example's directory; -nosettings leaves out ./settings.toml.
var exampleFixtures = map[string]func() []byte{
	"keys.txt":             func() []byte { return traceKeys() },
	"keys.txt.gz":          func() []byte { return gzipped(traceKeys()) },
	"keys.gz":              func() []byte { return gzipped(traceKeys()) },
	"access.csv.zst":       func() []byte { return zstded(traceCSV()) },
	"checkout.sql":         func() []byte { return []byte("\\set id random(1, 1000)\nSELECT :id + 0 AS id;\n") },
	"browse.sql":           func() []byte { return []byte("SELECT 1;\n") },
	"settings.toml":        func() []byte { return []byte(settingsFixture) },
	"ci.toml":              func() []byte { return []byte(settingsFixture) },
	"deploy/settings.toml": func() []byte { return []byte(settingsFixture) },
	"s1.json":              shardResultFixture(1), // result files for "report merge"
	"s2.json":              shardResultFixture(2),
}

// settingsFixture has the [production] environment the examples select.
const settingsFixture = `[default.WORKLOAD]
DURATION = "1s"

[production.CONNECTION_POOL]
DB_POOL_MIN_SIZE = 2
DB_POOL_MAX_SIZE = 8
`

func writeFixtures(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 || (len(args) == 1 && args[0] != "-nosettings") {
		ts.Fatalf("usage: fixtures [-nosettings]")
	}
	for name, content := range exampleFixtures {
		if name == "settings.toml" && len(args) == 1 {
			continue
		}
		path := ts.MkAbs(name)
		ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
		ts.Check(os.WriteFile(path, content(), 0o644))
	}
}

// traceKeys is a skewed key trace: one integer key per line.
func traceKeys() []byte {
	var b bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&b, "%d\n", (i*i)%(1+i%5000))
	}
	return b.Bytes()
}

// traceCSV is a trace with the key in column 2 and the size in column 3.
func traceCSV() []byte {
	var b bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&b, "%d,key%d,%d\n", i, (i*i)%(1+i%1000), 100+i%400)
	}
	return b.Bytes()
}

func gzipped(p []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write(p)
	_ = w.Close()
	return b.Bytes()
}

func zstded(p []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		panic(err)
	}
	defer w.Close()
	return w.EncodeAll(p, nil)
}

// TestExampleScript pins how an example becomes a script, and that one this
// test cannot run is an error rather than a silent skip.
func TestExampleScript(t *testing.T) {
	services := map[string]string{"postgres": "postgres://pg/test", "mysql": "mysql://my/test",
		"redis": "redis://rd:1/0", "http": "http://127.0.0.1:9"}
	tests := []struct {
		line    string
		want    []string // lines of the script
		wantErr string
	}{
		{line: "resync report --db postgres://app:secret@db:5432/app --duration 30s -o json --fail-on critical",
			want: []string{"fixtures", "env 'RESYNC_WORKLOAD_DURATION=1s'",
				"exits 0,3 resync 'report' '--db' 'postgres://pg/test' '--duration' '1s' '-o' 'json' '--fail-on' 'critical'"}},
		{line: `resync pools stats --redis redis://localhost:6379 --redis-command "GET k" --requests 5000000`,
			want: []string{"exits 0 resync 'pools' 'stats' '--redis' 'redis://rd:1/0' '--redis-command' 'GET k' '--requests' '20000'"}},
		{line: "resync pools recommend --http http://localhost:8080/health",
			want: []string{"exits 0 resync 'pools' 'recommend' '--http' 'http://127.0.0.1:9/health' '--step-duration' '100ms'"}},
		{line: `resync report -o markdown >> "$GITHUB_STEP_SUMMARY"   # job summary`,
			want: []string{"exits 0 resync 'report' '-o' 'markdown'"}},
		{line: "zcat keys.gz | resync cache simulate --trace - -o json | jq .",
			want: []string{"stdin keys.txt", "exits 0 resync 'cache' 'simulate' '--trace' '-' '-o' 'json'"}},
		{line: "DATABASE_URL=postgres://app@db/app resync leaks --fail-on-leaks",
			want: []string{"env 'DATABASE_URL=postgres://pg/test'", "exits 0,3 resync 'leaks' '--fail-on-leaks'"}},
		{line: "RESYNC_API_TOKEN=$(openssl rand -hex 16) resync serve --addr 0.0.0.0:8080",
			want: []string{"env 'RESYNC_API_TOKEN=0123456789abcdef0123456789abcdef'", "freeport PORT",
				"exec resync 'serve' '--addr' '0.0.0.0:'${PORT} &serve&", "kill -INT serve", "wait serve"}},
		{line: "resync cache simulate --dist hotset --capacity 20k",
			want: []string{"exits 0 resync 'cache' 'simulate' '--dist' 'hotset' '--capacity' '20k' '--requests' '20000'"}},
		{line: "resync cache simulate --trace keys.txt",
			want: []string{"exits 0 resync 'cache' 'simulate' '--trace' 'keys.txt'"}},
		{line: "resync config init --path ~/.config/resync/settings.toml",
			want: []string{"fixtures -nosettings", "exits 0 resync 'config' 'init' '--path' ${HOME}'/.config/resync/settings.toml'"}},
		{line: "resync report --db postgres://someone@elsewhere/db", wantErr: "not in exampleURLs"},
		{line: "cat keys | resync cache simulate --trace -", wantErr: "exampleShell.StdinFrom"},
		{line: "resync config show -o json | grep x", wantErr: "exampleShell.PipeTo"},
		{line: "resync report --db $DATABASE_URL", wantErr: "exampleShell.Substitutions"},
		{line: "go run . report", wantErr: "no resync command"},
		{line: `resync pools stats --redis-command "GET k`, wantErr: "unterminated"},
	}
	for _, tt := range tests {
		t.Run(slug(tt.line), func(t *testing.T) {
			got, err := exampleScript(example{Source: "test", Line: tt.line}, services)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one with %q; script:\n%s", err, tt.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(got, "\n")
			for _, w := range tt.want {
				if !slices.Contains(lines, w) {
					t.Errorf("script lacks the line %s:\n%s", w, got)
				}
			}
		})
	}
}

// TestExampleLines pins the extraction: continuation lines join, comment
// lines and other commands are left out, resync lines with a comment kept.
func TestExampleLines(t *testing.T) {
	text := `  # the first run
  resync report

  resync report --db postgres://app@db/app \
      --duration 30s   # thirty seconds
  curl -s localhost:8080/metrics
  go run . report
  RESYNC_API_TOKEN=x resync serve`
	want := []string{"resync report", "resync report --db postgres://app@db/app --duration 30s   # thirty seconds",
		"RESYNC_API_TOKEN=x resync serve"}
	if got := exampleLines(text); !slices.Equal(got, want) {
		t.Errorf("exampleLines:\n got %q\nwant %q", got, want)
	}
}

// helpCurls returns, per command, the curl lines of its examples (serve's
// API calls) as one example whose Line is the lines joined by newlines.
func helpCurls(c *cobra.Command) []example {
	var out []example
	var lines []string
	for _, l := range strings.Split(c.Example, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "curl ") {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		out = append(out, example{Source: c.CommandPath() + " --help", Line: strings.Join(lines, "\n")})
	}
	for _, sub := range c.Commands() {
		out = append(out, helpCurls(sub)...)
	}
	return out
}

// curlScript runs a command's curl examples, each as an httpget, against
// "resync serve" on the embedded targets on a free port (no token is set,
// so an Authorization header is ignored). It returns the script and the
// number of curl lines.
func curlScript(ex example) (string, int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: the curl examples, against resync serve\n", ex.Source)
	b.WriteString("freeport PORT\n")
	b.WriteString("exec resync serve --addr 127.0.0.1:$PORT &serve&\n")
	n := 0
	for _, line := range strings.Split(ex.Line, "\n") {
		fmt.Fprintf(&b, "# %s\n", line)
		for from, to := range exampleShell.Substitutions {
			line = strings.ReplaceAll(line, from, to)
		}
		words, err := shellWords(line)
		if err != nil {
			return "", 0, fmt.Errorf("%q: %w", line, err)
		}
		if i := slices.Index(words, "|"); i >= 0 {
			if i+1 >= len(words) || !slices.Contains(exampleShell.PipeTo, words[i+1]) {
				return "", 0, fmt.Errorf("%q pipes into a command not in exampleShell.PipeTo", line)
			}
			words = words[:i]
		}
		get, err := httpgetArgs(words[1:])
		if err != nil {
			return "", 0, fmt.Errorf("%q: %w", line, err)
		}
		fmt.Fprintf(&b, "httpget %s\n", strings.Join(get, " "))
		n++
	}
	b.WriteString("kill -INT serve\nwait serve\n! stderr 'panic|goroutine \\d+ \\['\n")
	return b.String(), n, nil
}

// httpgetArgs translates curl's arguments (-s, -H, one URL on
// localhost:8080) to httpget's.
func httpgetArgs(args []string) ([]string, error) {
	var out []string
	url := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-s":
		case a == "-H" && i+1 < len(args):
			out = append(out, "-H", quoteWord(args[i+1]))
			i++
		case strings.HasPrefix(a, "-"):
			return nil, fmt.Errorf("curl flag %s: add it to httpgetArgs", a)
		case url != "":
			return nil, errors.New("more than one URL")
		default:
			rest, ok := strings.CutPrefix(a, "localhost:8080")
			if !ok {
				return nil, fmt.Errorf("URL %s is not on localhost:8080, where serve listens by default", a)
			}
			url = "http://127.0.0.1:$PORT" + quoteWord(rest)
		}
	}
	if url == "" {
		return nil, errors.New("no URL")
	}
	return append(out, url), nil
}

// TestCurlScript pins the translation of serve's curl examples.
func TestCurlScript(t *testing.T) {
	got, n, err := curlScript(example{Source: "test", Line: strings.Join([]string{
		"curl -s localhost:8080/api/performance/report | jq .overall_health",
		`curl -s -H "Authorization: Bearer $RESYNC_API_TOKEN" localhost:8080/metrics`,
	}, "\n")})
	if err != nil || n != 2 {
		t.Fatalf("curlScript: %d lines, %v", n, err)
	}
	for _, w := range []string{
		"exec resync serve --addr 127.0.0.1:$PORT &serve&",
		"httpget http://127.0.0.1:$PORT'/api/performance/report'",
		"httpget -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef' http://127.0.0.1:$PORT'/metrics'",
		"kill -INT serve",
	} {
		if !slices.Contains(strings.Split(got, "\n"), w) {
			t.Errorf("script lacks the line %s:\n%s", w, got)
		}
	}
	for line, want := range map[string]string{
		"curl -X POST localhost:8080/api/performance/report": "curl flag -X",
		"curl -s example.com:8080/metrics":                   "not on localhost:8080",
		"curl -s localhost:8080/metrics | grep go_":          "exampleShell.PipeTo",
	} {
		if _, _, err := curlScript(example{Source: "test", Line: line}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("curlScript(%q): error %v, want one with %q", line, err, want)
		}
	}
}
