package observe

import (
	"bufio"
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
)

// redisSections are the INFO sections one reading asks for, in one INFO
// command (Redis 7+; older servers get one INFO per section).
var redisSections = []string{"stats", "memory", "keyspace", "clients", "commandstats"}

// redisWrites are the commands counted as cache writes (sets) for the
// eviction rate: the commands that store a value under a key.
var redisWrites = map[string]bool{
	"set": true, "setex": true, "psetex": true, "setnx": true, "mset": true, "msetnx": true,
	"getset": true, "getex": false, "append": true, "incr": true, "incrby": true, "incrbyfloat": true,
	"decr": true, "decrby": true, "hset": true, "hmset": true, "hsetnx": true, "hincrby": true,
	"lpush": true, "rpush": true, "lpushx": true, "rpushx": true, "linsert": true, "lset": true,
	"sadd": true, "zadd": true, "zincrby": true, "xadd": true, "pfadd": true, "setrange": true,
	"restore": true, "copy": true, "json.set": true,
}

// RedisSource reads a Redis server's INFO: as a cache (keyspace hits and
// misses, evicted and expired keys, write commands, used_memory vs
// maxmemory) and as a server (connected_clients vs maxclients,
// rejected_connections, blocked_clients). One reading is one INFO command.
type RedisSource struct {
	name, url string
	client    *redis.Client
	multi     bool // the server takes several sections in one INFO
}

// NewRedis returns the source for the Redis target name at rawURL.
func NewRedis(name, rawURL string) (*RedisSource, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, &redactedErr{msg: redact.Text(err.Error())}
	}
	opt.PoolSize, opt.MinIdleConns, opt.MaxRetries = 1, 0, 0
	opt.DisableIdentity = true
	return &RedisSource{name: name, url: rawURL, client: redis.NewClient(opt), multi: true}, nil
}

// Name implements Source.
func (s *RedisSource) Name() string { return report.SourceRedis }

// Target implements Source.
func (s *RedisSource) Target() (string, string, string) { return s.name, "redis", redact.URL(s.url) }

// Close implements Source.
func (s *RedisSource) Close() error { return s.client.Close() }

// Snapshot implements Source.
func (s *RedisSource) Snapshot(ctx context.Context) (Reading, error) {
	var r Reading
	var text strings.Builder
	if s.multi {
		r.Queries++
		out, err := s.client.Info(ctx, redisSections...).Result()
		switch {
		case err == nil && strings.Contains(out, "# Memory"):
			text.WriteString(out)
		case err == nil || isRedisSyntaxErr(err):
			s.multi = false // an older server: one INFO per section
		default:
			return r, redactErr(err)
		}
	}
	if !s.multi {
		for _, sec := range redisSections {
			r.Queries++
			out, err := s.client.Info(ctx, sec).Result()
			if err != nil {
				return r, redactErr(err)
			}
			text.WriteString(out)
		}
	}
	r.Bytes = int64(text.Len())
	info := ParseRedisInfo(text.String())
	c, p := redisReading(info)
	r.Caches, r.Pools = []Cache{c}, []Pool{p}
	return r, nil
}

func isRedisSyntaxErr(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "syntax") || strings.Contains(strings.ToLower(err.Error()), "wrong number")
}

// RedisInfo is INFO's "field:value" lines; the keyspace lines
// ("db0:keys=1,expires=0,avg_ttl=0") and commandstats lines stay whole.
type RedisInfo map[string]string

// ParseRedisInfo parses INFO output; comment and blank lines are skipped.
func ParseRedisInfo(text string) RedisInfo {
	info := RedisInfo{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if ok {
			info[k] = v
		}
	}
	return info
}

func (info RedisInfo) uint(k string) uint64 {
	n, _ := strconv.ParseUint(info[k], 10, 64)
	return n
}

func (info RedisInfo) int(k string) int64 {
	n, _ := strconv.ParseInt(info[k], 10, 64)
	return n
}

// subfields parses "keys=1,expires=0,avg_ttl=0".
func subfields(v string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(v, ",") {
		if k, val, ok := strings.Cut(part, "="); ok {
			out[k] = val
		}
	}
	return out
}

func redisReading(info RedisInfo) (Cache, Pool) {
	var keys, expires, writes uint64
	for k, v := range info {
		switch {
		case strings.HasPrefix(k, "db") && strings.Contains(v, "keys="):
			f := subfields(v)
			n, _ := strconv.ParseUint(f["keys"], 10, 64)
			e, _ := strconv.ParseUint(f["expires"], 10, 64)
			keys += n
			expires += e
		case strings.HasPrefix(k, "cmdstat_"):
			if redisWrites[strings.ReplaceAll(strings.TrimPrefix(k, "cmdstat_"), "|", ".")] {
				n, _ := strconv.ParseUint(subfields(v)["calls"], 10, 64)
				writes += n
			}
		}
	}
	c := Cache{
		Name:        "",
		Hits:        info.uint("keyspace_hits"),
		Misses:      info.uint("keyspace_misses"),
		Sets:        writes,
		Evictions:   info.uint("evicted_keys"),
		Expirations: info.uint("expired_keys"),
		Items:       int64(keys),
		MemoryBytes: info.int("used_memory"),
		MaxBytes:    info.int("maxmemory"),
		Facts: map[string]string{
			FactPolicy:      info["maxmemory_policy"],
			FactKeys:        strconv.FormatUint(keys, 10),
			FactKeysWithTTL: strconv.FormatUint(expires, 10),
		},
	}
	maxClients := int(info.int("maxclients"))
	p := Pool{
		Name:     "",
		Kind:     "redis",
		Active:   int(info.int("connected_clients")),
		Waiting:  int(info.int("blocked_clients")),
		MaxSize:  maxClients,
		Attempts: info.uint("total_connections_received"),
		Errors:   info.uint("rejected_connections"),
		Rejected: info.uint("rejected_connections"),
		// Redis has no acquire wait: a client's connection is its own.
		Missing: []string{report.MetricAcquireWait},
		Facts: map[string]string{
			FactCeiling:    "true",
			FactMaxSetting: "maxclients",
			FactPasteMax:   "CONFIG SET maxclients %d",
		},
	}
	return c, p
}

type redactedErr struct{ msg string }

func (e *redactedErr) Error() string { return e.msg }

func redactErr(err error) error { return &redactedErr{msg: redact.Text(err.Error())} }
