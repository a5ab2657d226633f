package cmdutil

import (
	"errors"
	"maps"

	"github.com/spf13/pflag"

	"github.com/resync-dev/resync/pkg/target"
)

// The target flags and the configuration keys they set.
const (
	FlagDB    = "db"
	FlagRedis = "redis"
	FlagHTTP  = "http"
	// FlagPgbouncer is a pgbouncer admin console, read in observe mode.
	FlagPgbouncer = "pgbouncer"
	// FlagMetrics is a Prometheus endpoint (TARGETS.METRICS_URLS), read
	// in observe mode.
	FlagMetrics = "metrics"
)

// targetKeys map each target flag to its configuration key.
var targetKeys = map[string]string{
	FlagDB:        target.KeyDatabaseURLs,
	FlagRedis:     target.KeyRedisURL,
	FlagHTTP:      target.KeyHTTPURLs,
	FlagPgbouncer: target.KeyPgbouncerURLs,
	FlagMetrics:   target.KeyMetricsURLs,
}

// TargetFlags declares a command's --db (repeatable), --redis and --http
// (repeatable) in one place. The help texts are the command's own (they say
// what it does with the targets); a flag whose help is empty is left out.
// The values are not kept here: Factory.Config reads the flags the user set
// through Bindings, so flags, environment and settings file merge in one
// place.
type TargetFlags struct {
	DB, Redis, HTTP string // help texts
	Pgbouncer       string // --pgbouncer (repeatable), for commands that observe
	Metrics         string // help of --metrics (repeatable); "" leaves it out
	// CommaSeparated makes --db and --http take comma-separated lists as
	// well as repetition (--db a,b); otherwise every value is one URL
	// (a PostgreSQL multi-host URL keeps its commas).
	CommaSeparated bool
}

// Register declares the flags on fl.
func (tf TargetFlags) Register(fl *pflag.FlagSet) {
	list := fl.StringArray
	if tf.CommaSeparated {
		list = fl.StringSlice
	}
	if tf.DB != "" {
		list(FlagDB, nil, tf.DB)
	}
	if tf.Redis != "" {
		fl.String(FlagRedis, "", tf.Redis)
	}
	if tf.HTTP != "" {
		list(FlagHTTP, nil, tf.HTTP)
	}
	if tf.Pgbouncer != "" {
		list(FlagPgbouncer, nil, tf.Pgbouncer)
	}
	if tf.Metrics != "" {
		list(FlagMetrics, nil, tf.Metrics)
	}
}

// Bindings are the configuration keys of the declared target flags, merged
// with a command's other bindings (extra may be nil; it is not modified).
func (tf TargetFlags) Bindings(extra map[string]string) map[string]string {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]string{}
	}
	for flag, help := range map[string]string{FlagDB: tf.DB, FlagRedis: tf.Redis, FlagHTTP: tf.HTTP, FlagPgbouncer: tf.Pgbouncer, FlagMetrics: tf.Metrics} {
		if help != "" {
			out[flag] = targetKeys[flag]
		}
	}
	return out
}

// TargetFlagFor is the flag that sets a target configuration key ("--db"
// for TARGETS.DATABASE_URLS), or "" for another key.
func TargetFlagFor(key string) string {
	for flag, k := range targetKeys {
		if k == key {
			return "--" + flag
		}
	}
	return ""
}

// Pgbouncers lists the configured pgbouncer consoles (target.Pgbouncers):
// a URL that is no console is a usage error naming --pgbouncer and the key.
func Pgbouncers(urls []string) ([]target.Target, error) {
	ts, err := target.Pgbouncers(urls)
	var terr *target.Error
	if errors.As(err, &terr) {
		return nil, Usagef("%s / %s", TargetFlagFor(terr.Key), terr.Error())
	}
	return ts, err
}

// Targets lists the configured targets (target.FromURLs): a URL that does
// not fit its key is a usage error naming the flag and the key
// ("--db / TARGETS.DATABASE_URLS[1]: …").
func Targets(dbURLs []string, redisURL string, httpURLs []string) ([]target.Target, error) {
	ts, err := target.FromURLs(dbURLs, redisURL, httpURLs)
	var terr *target.Error
	if errors.As(err, &terr) {
		return nil, Usagef("%s / %s", TargetFlagFor(terr.Key), terr.Error())
	}
	return ts, err
}

// MetricsTargets lists the Prometheus endpoints (target.FromMetricsURLs): a
// URL that is not http(s) is a usage error naming the flag and the key
// ("--metrics / TARGETS.METRICS_URLS[0]: …").
func MetricsTargets(urls []string) ([]target.Target, error) {
	ts, err := target.FromMetricsURLs(urls)
	var terr *target.Error
	if errors.As(err, &terr) {
		return nil, Usagef("%s / %s", TargetFlagFor(terr.Key), terr.Error())
	}
	return ts, err
}
