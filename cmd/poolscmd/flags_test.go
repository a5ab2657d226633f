package poolscmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// parseStats runs "pools stats ARGS" up to runF and returns the options.
func parseStats(t *testing.T, env map[string]string, args ...string) (*StatsOptions, error) {
	t.Helper()
	io, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
	f.WorkDir = t.TempDir()
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var got *StatsOptions
	cmd := newStatsCmd(f, func(_ context.Context, o *StatsOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return got, err
}

func TestStatsOptionsFromFlags(t *testing.T) {
	http := []string{"--http", "http://127.0.0.1:1/"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want func(o *StatsOptions) bool
	}{
		{"defaults", nil, nil, func(o *StatsOptions) bool {
			return o.Duration == 10*time.Second && o.Warmup == DefaultWarmup && o.Concurrency == 32 && o.Dist == "zipf" &&
				o.Seed == 1 && o.OpTimeout == 10*time.Second
		}},
		{"--requests alone bounds the run", nil, []string{"--requests", "50"}, func(o *StatsOptions) bool {
			return o.Requests == 50 && o.Duration == 0
		}},
		{"--requests with --duration", nil, []string{"--requests", "50", "--duration", "2s"}, func(o *StatsOptions) bool {
			return o.Requests == 50 && o.Duration == 2*time.Second
		}},
		{"--dist", nil, []string{"--cache", "--dist", "hotset", "--keys", "7", "--seed", "9"}, func(o *StatsOptions) bool {
			return o.Cache && o.Dist == "hotset" && o.Keys == 7 && o.Seed == 9
		}},
		{"--distribution, the old name", nil, []string{"--distribution", "uniform"}, func(o *StatsOptions) bool {
			return o.Dist == "uniform"
		}},
		{"environment under flags", map[string]string{"RESYNC_WORKLOAD_DISTRIBUTION": "uniform", "RESYNC_WORKLOAD_CONCURRENCY": "3"},
			[]string{"--concurrency", "5"}, func(o *StatsOptions) bool { return o.Dist == "uniform" && o.Concurrency == 5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseStats(t, tt.env, append(http, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}

func TestStatsFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the message; "" = any error
	}{
		{"zero concurrency", []string{"--concurrency", "0"}, ""},
		{"negative rate", []string{"--rate", "-1"}, ""},
		{"zero timeout", []string{"--timeout", "0"}, ""},
		{"bad dist", []string{"--dist", "pareto"}, ""},
		{"rate above the limit", []string{"--rate", "1e12"}, "above the limit of 1e+06"},
		{"concurrency above the limit", []string{"--concurrency", "1000000"}, "above the limit of 10000"},
		{"requests above the limit", []string{"--requests", "9223372036854775807"}, "above the limit of 1000000000"},
		{"empty --query", []string{"--query", ""}, "--query is empty"},
		{"blank --redis-command", []string{"--redis-command", " "}, "--redis-command is empty"},
		{"unclosed quote in --redis-command", []string{"--redis-command", `SET "a b 1`}, "double quote at offset 4 is not closed"},
		{"quoted empty --redis-command", []string{"--redis-command", `''`}, "names no command"},
		{"blank --http-method", []string{"--http-method", " "}, "--http-method must not be empty"},
		{"empty --db", []string{"--db", ""}, "--db is empty"},
		{"empty --http", []string{"--http", ""}, "--http is empty"},
		{"empty --redis", []string{"--redis", ""}, "--redis is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseStats(t, nil, append([]string{"--http", "http://127.0.0.1:1/"}, tt.args...)...)
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.want != "" && (!strings.Contains(err.Error(), tt.want) || cmdutil.ExitCode(err) != cmdutil.ExitUsage) {
				t.Errorf("error %q (exit %d), want a usage error with %q", err, cmdutil.ExitCode(err), tt.want)
			}
		})
	}
}
