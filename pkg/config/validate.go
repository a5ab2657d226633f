package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
	"github.com/resync-dev/resync/pkg/threshold"
)

// Validate checks the values of c: sizes and counts, min ≤ max, durations
// and target URLs. It returns nil or an *Error naming every bad key, its
// value (URLs redacted) and where the value came from (c.Sources).
func (c *Config) Validate() error {
	var ps problems
	for _, p := range c.validate(nil) {
		ps.add(p)
	}
	return ps.err()
}

// minimums are the lower bounds of numeric keys: 1 for counts and sizes
// that cannot be zero, 0 where zero means "none" or "off". Durations with
// a minimum of 1 must be greater than zero.
var minimums = map[string]int{
	"ASYNC_CACHE.TTL_SECONDS":      1,
	"ASYNC_CACHE.CLEANUP_INTERVAL": 1,
	"ASYNC_CACHE.NUM_SHARDS":       1,
	"ASYNC_CACHE.MAX_WORKERS":      1,
	"ASYNC_CACHE.MAX_ITEMS":        1,
	"ASYNC_CACHE.MAX_MEMORY_MB":    1,
	"WORKLOAD.DURATION":            1,
	"WORKLOAD.CONCURRENCY":         1,
	"WORKLOAD.RATE":                0,
	"WORKLOAD.KEYS":                1,
	"WORKLOAD.OBSERVE":             0,
	"WORKLOAD.OBSERVE_INTERVAL":    1,
}

// Upper bounds of the workload settings: past them a run measures nothing
// more and only exhausts memory. The --rate and --concurrency flags share
// them (internal/cmdutil).
const (
	// MaxWorkloadConcurrency bounds WORKLOAD.CONCURRENCY: workers or
	// operations in flight per target.
	MaxWorkloadConcurrency = 10_000
	// MaxWorkloadRate bounds WORKLOAD.RATE: arrivals per second per target.
	MaxWorkloadRate = 1e6
)

func minimum(k Key) int {
	if m, ok := minimums[k.Name]; ok {
		return m
	}
	switch {
	case strings.HasSuffix(k.Name, "_POOL_MAX_SIZE"), strings.HasSuffix(k.Name, "_POOL_CONNECT_TIMEOUT"):
		return 1
	default:
		return 0
	}
}

// validate returns every problem with c's values, skipping keys in skip
// (their value could not be read, which was reported already).
func (c *Config) validate(skip map[string]bool) []Problem {
	var out []Problem
	bad := func(k Key, reason string) {
		out = append(out, Problem{Key: k.Name, Value: valueText(k, c), Source: c.source(k.Name), Reason: reason})
	}
	for _, k := range registry {
		if skip[k.Name] {
			continue
		}
		switch p := k.field(c).(type) {
		case *int:
			if m := minimum(k); *p < m {
				bad(k, intBoundReason(k, m))
			} else if k.Name == "WORKLOAD.CONCURRENCY" && *p > MaxWorkloadConcurrency {
				bad(k, fmt.Sprintf("is above the limit of %d per target: use %d or fewer", MaxWorkloadConcurrency, MaxWorkloadConcurrency))
			}
		case *float64:
			if *p < 0 {
				bad(k, fmt.Sprintf("must not be negative: use 0 for %s or a positive rate", "a closed loop"))
			} else if *p > MaxWorkloadRate {
				bad(k, fmt.Sprintf("is above the limit of %g per second per target: use %g or less", float64(MaxWorkloadRate), float64(MaxWorkloadRate)))
			}
		case *time.Duration:
			if reason := durationReason(k, *p); reason != "" {
				bad(k, reason)
			}
		case *string:
			switch {
			case k.Type == TypeURL && *p != "":
				if reason := targetReason(k, *p); reason != "" {
					bad(k, reason)
				}
			case k.Choices != nil && !slices.Contains(k.Choices, *p):
				bad(k, fmt.Sprintf("must be one of %s: %s", strings.Join(k.Choices, ", "),
					join(didYouMean(suggest(*p, k.Choices), strconv.Quote), "the default is "+k.Default)))
			}
		case *[]string:
			if k.Type == TypeList {
				for _, e := range *p {
					if _, err := threshold.Parse(e); err != nil {
						out = append(out, Problem{Key: k.Name, Value: strconv.Quote(e), Source: c.source(k.Name), Reason: err.Error()})
					}
				}
				continue
			}
			for _, u := range *p {
				if reason := targetReason(k, u); reason != "" {
					out = append(out, Problem{Key: k.Name, Value: strconv.Quote(redact.URL(u)), Source: c.source(k.Name), Reason: reason})
				}
			}
		}
	}
	for _, pool := range []string{"DB", "REDIS", "HTTP"} {
		out = append(out, c.minMax(pool, skip)...)
	}
	return out
}

// minMax checks <POOL>_MIN_SIZE ≤ <POOL>_MAX_SIZE, blaming whichever of
// the two the user set (the minimum when both were set).
func (c *Config) minMax(pool string, skip map[string]bool) []Problem {
	lo, _ := LookupKey(TablePools + "." + pool + "_POOL_MIN_SIZE")
	hi, _ := LookupKey(TablePools + "." + pool + "_POOL_MAX_SIZE")
	if skip[lo.Name] || skip[hi.Name] {
		return nil
	}
	minV, maxV := *lo.field(c).(*int), *hi.field(c).(*int)
	if minV <= maxV || minV < 0 || maxV < 1 {
		return nil // in order, or already reported as out of range
	}
	if c.source(lo.Name).Kind == FromDefault && c.source(hi.Name).Kind != FromDefault {
		return []Problem{{Key: hi.Name, Value: strconv.Itoa(maxV), Source: c.source(hi.Name), Reason: fmt.Sprintf(
			"is below %s = %d (%s): raise the maximum to at least %d, or lower %s too",
			lo.Field(), minV, c.source(lo.Name), minV, lo.Field())}}
	}
	return []Problem{{Key: lo.Name, Value: strconv.Itoa(minV), Source: c.source(lo.Name), Reason: fmt.Sprintf(
		"is greater than %s = %d (%s): lower the minimum to at most %d, or raise %s",
		hi.Field(), maxV, c.source(hi.Name), maxV, hi.Field())}}
}

func intBoundReason(k Key, m int) string {
	what := "a size"
	switch {
	case strings.HasSuffix(k.Name, "NUM_SHARDS"):
		what = "the cache needs at least one shard"
	case strings.HasSuffix(k.Name, "MAX_WORKERS"), strings.HasSuffix(k.Name, "CONCURRENCY"):
		what = "at least one worker is needed"
	case strings.HasSuffix(k.Name, "MIN_SIZE"):
		return "must not be negative: use 0 for no idle connections, or a positive size"
	}
	return fmt.Sprintf("must be at least %d (%s): use a positive whole number such as %s", m, what, k.Default)
}

func durationReason(k Key, d time.Duration) string {
	switch {
	case d < 0:
		if minimum(k) == 0 {
			return "must not be negative: use 0 to turn it off, or a number of seconds"
		}
		return "must not be negative: use a positive number of seconds such as " + k.Default
	case d == 0 && minimum(k) > 0:
		return "must be greater than zero: use a positive value such as " + k.Default
	}
	return ""
}

// targetKinds says which target kinds each URL key accepts.
var targetKinds = map[string][]target.Kind{
	target.KeyDatabaseURLs:  {target.Postgres, target.MySQL, target.SQLite},
	target.KeyRedisURL:      {target.Redis},
	target.KeyHTTPURLs:      {target.HTTP},
	target.KeyPgbouncerURLs: {target.Pgbouncer},
	target.KeyMetricsURLs:   {target.HTTP},
}

// targetReason checks one URL for a key; "" when it is fine.
func targetReason(k Key, raw string) string {
	if k.Name == target.KeyPgbouncerURLs {
		if err := target.CheckPgbouncer(raw); err != nil {
			return err.Error()
		}
		return ""
	}
	kind, err := target.KindOf(raw)
	if err != nil {
		return err.Error()
	}
	want := targetKinds[k.Name]
	if slices.Contains(want, kind) {
		return ""
	}
	forms := make([]string, len(want))
	for i, w := range want {
		forms[i] = w.Schemes()
	}
	return fmt.Sprintf("a %s URL does not belong in %s: use %s here, or move it to %s",
		kind, k.Field(), strings.Join(forms, ", "), keyForKind(kind))
}

func keyForKind(kind target.Kind) string {
	// Sorted: HTTP URLs fit two keys, and TARGETS.HTTP_URLS (the load
	// target) sorts before TARGETS.METRICS_URLS.
	for _, name := range slices.Sorted(maps.Keys(targetKinds)) {
		if slices.Contains(targetKinds[name], kind) {
			return name
		}
	}
	return "the matching TARGETS key"
}

// valueText renders a key's value for a problem.
func valueText(k Key, c *Config) string {
	switch k.Type {
	case TypeString, TypeURL, TypeDuration:
		return strconv.Quote(k.Text(c))
	default:
		return k.Text(c)
	}
}

// source returns where key's value came from (default when unrecorded).
func (c *Config) source(key string) Source {
	if s, ok := c.Sources[key]; ok {
		return s
	}
	return Source{Kind: FromDefault}
}
