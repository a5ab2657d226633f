package adversarial

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// badInput is one input #18 lists: it must exit 2 with a message that
// names it (want, case-insensitive), in at most maxLines lines of stderr,
// with no line over maxLine bytes.
type badInput struct {
	name string
	args []string
	want string
	// file, when set, is written to settings.toml in the directory and
	// passed with --config
	file string
	// after checks the directory afterwards
	after func(dir string) error
	// hide must not appear in any output
	hide string
}

const (
	maxLines = 40
	maxLine  = 2000
)

func badInputs() []badInput {
	unknownKeys := "[default.ASYNC_CACHE]\n"
	for i := range 5000 {
		unknownKeys += fmt.Sprintf("NOPE_%d = 1\n", i)
	}
	return []badInput{
		{name: "report --rate 1e12", args: []string{"report", "--rate", "1e12", "--duration", "1s"}, want: "--rate"},
		{name: "pools stats --concurrency 1000000", args: []string{"pools", "stats", "--db", "sqlite::memory:", "--concurrency", "1000000", "--duration", "1s"}, want: "--concurrency"},
		{name: "pools stats --requests 9223372036854775807", args: []string{"pools", "stats", "--db", "sqlite::memory:", "--requests", "9223372036854775807"}, want: "--requests"},
		{name: "cache simulate --requests 9223372036854775807", args: []string{"cache", "simulate", "--dist", "zipf", "--requests", "9223372036854775807"}, want: "--requests"},
		{name: "cache simulate --requests 2000000000", args: []string{"cache", "simulate", "--dist", "zipf", "--requests", "2000000000"}, want: "--requests"},
		{name: "report --fail-under-score NaN", args: []string{"report", "--fail-under-score", "NaN", "--duration", "100ms"}, want: "--fail-under-score"},
		{name: "report --db ''", args: []string{"report", "--db", "", "--duration", "100ms"}, want: "--db"},
		{name: "pools stats --query ''", args: []string{"pools", "stats", "--db", "sqlite::memory:", "--query", "", "--duration", "100ms"}, want: "--query"},
		{name: "pools stats --redis-command ''", args: []string{"pools", "stats", "--redis", "redis://127.0.0.1:1", "--redis-command", "", "--duration", "100ms"}, want: "--redis-command"},
		{name: "DATABASE_URLS as a string", args: []string{"config", "validate"}, file: "[default.TARGETS]\nDATABASE_URLS = \"sqlite::memory:\"\n", want: "DATABASE_URLS"},
		{name: "5,000 unknown keys (capped)", args: []string{"config", "validate"}, file: unknownKeys, want: "NOPE_"},
		{name: "100,000 nested [", args: []string{"config", "validate"}, file: "[default.WORKLOAD]\nKEYS = " + strings.Repeat("[", 100_000) + "\n", want: "settings.toml"},
		{name: "config init --path dir/", args: []string{"config", "init", "--path", "{DIR}/newdir/"}, want: "--path", after: func(dir string) error {
			if _, err := os.Stat(filepath.Join(dir, "newdir")); err == nil {
				return fmt.Errorf("created the directory newdir/ anyway")
			}
			return nil
		}},
		{name: "cache nosuch", args: []string{"cache", "nosuch"}, want: "nosuch"},
		{name: "pools nosuch", args: []string{"pools", "nosuch"}, want: "nosuch"},
		{name: "redis://127.0.0.1:65536", args: []string{"report", "--redis", "redis://127.0.0.1:65536", "--duration", "100ms"}, want: "port"},
		{name: "positional URL with / in the password", args: []string{"pools", "recommend", "postgres://app:S3cr/et@h:5432/db"}, want: "postgres://", hide: "S3cr"},
		{name: "redis:// without a host", args: []string{"report", "--redis", "redis://", "--duration", "100ms"}, want: "host"},
		{name: "postgres://:5432/x without a host", args: []string{"report", "--db", "postgres://:5432/x", "--duration", "100ms"}, want: "host"},
	}
}

// BadInputCases are the inputs of #18 that must be refused.
func BadInputCases() []Case {
	var cs []Case
	for _, b := range badInputs() {
		cs = append(cs, Case{Area: AreaBadInputs, Name: b.name, Check: func(t *testing.T, r Runner, dir string) error {
			return checkBadInput(r, dir, b)
		}})
	}
	return cs
}

func checkBadInput(r Runner, dir string, b badInput) error {
	args := make([]string, len(b.args))
	for i, a := range b.args {
		args[i] = strings.ReplaceAll(a, "{DIR}", dir)
	}
	if b.file != "" {
		file := filepath.Join(dir, "settings.toml")
		if err := os.WriteFile(file, []byte(b.file), 0o600); err != nil {
			return err
		}
		args = append(args, "--config", file)
	}
	// refused at once, or not at all: killed after 20 s
	res := r.Run(Inv{Args: args, Dir: dir, Env: smallPools, Timeout: 20 * time.Second})
	if err := crashed(res); err != nil {
		return err
	}
	if res.Code != 2 {
		return fmt.Errorf("exit %d, want 2: %s", res.Code, oneLine(res.Stderr, 200))
	}
	if !strings.Contains(strings.ToLower(res.Stderr), strings.ToLower(b.want)) {
		return fmt.Errorf("the message does not name %q: %s", b.want, oneLine(res.Stderr, 200))
	}
	if n := lines(res.Stderr); n > maxLines {
		return fmt.Errorf("%d lines on stderr, want at most %d (cap and summarise)", n, maxLines)
	}
	for _, l := range strings.Split(res.Stderr, "\n") {
		if len(l) > maxLine {
			return fmt.Errorf("a %d-byte line on stderr", len(l))
		}
	}
	if b.hide != "" && strings.Contains(res.Out(), b.hide) {
		return fmt.Errorf("prints %q of the password: %s", b.hide, oneLine(res.Out(), 200))
	}
	if b.after != nil {
		return b.after(dir)
	}
	return nil
}
