package monitor

import (
	"database/sql"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
)

// poolSource reads one registered pool. sample is called by one goroutine
// at a time (under Monitor.mu).
type poolSource interface {
	sample(now time.Time) (s pools.Snapshot, derived []string)
	settings() settingNames
}

// settingNames say how the pool's library spells the settings the pool
// rules name: format strings taking the new size, and names.
type settingNames struct {
	max, min             string // "db.SetMaxOpenConns(%d)"
	connectTimeout, idle string // "connect_timeout"
}

var (
	sqlSettings = settingNames{
		max: "db.SetMaxOpenConns(%d)", min: "db.SetMaxIdleConns(%d)",
		connectTimeout: "connect timeout (in the driver's DSN)", idle: "db.SetConnMaxIdleTime",
	}
	pgxSettings = settingNames{
		max: "pool_max_conns=%d", min: "pool_min_conns=%d",
		connectTimeout: "connect_timeout", idle: "pool_max_conn_idle_time",
	}
	redisSettings = settingNames{
		max: "PoolSize: %d", min: "MinIdleConns: %d",
		connectTimeout: "DialTimeout", idle: "ConnMaxIdleTime",
	}
)

var (
	sizeSetting = regexp.MustCompile(`\b(?:[A-Z]+_POOL_)?(MAX_SIZE|MIN_SIZE)=(\d+)`)
	timeSetting = regexp.MustCompile(`\b(?:[A-Z]+_POOL_)?(CONNECT_TIMEOUT|IDLE_TIMEOUT)\b`)
	noSettings  = settingNames{} // a resync pool: the CLI's names
)

// rename rewrites the CLI's setting names in a suggestion
// ("DB_POOL_MAX_SIZE=48") into the library's ("db.SetMaxOpenConns(48)").
// A resync pool keeps the CLI's names.
func (n settingNames) rename(s string) string {
	if n == noSettings {
		return s
	}
	s = sizeSetting.ReplaceAllStringFunc(s, func(m string) string {
		sub := sizeSetting.FindStringSubmatch(m)
		format := n.max
		if sub[1] == "MIN_SIZE" {
			format = n.min
		}
		return strings.Replace(format, "%d", sub[2], 1)
	})
	return timeSetting.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, "CONNECT_TIMEOUT") {
			return n.connectTimeout
		}
		return n.idle
	})
}

// sqlSource reads a *sql.DB's DBStats. database/sql counts only the
// acquires that waited (which happen only with all MaxOpenConns in use), so
// those are the acquire count and the exhaustions.
type sqlSource struct {
	name, kind string
	db         *sql.DB
	use        usage
	wait       waits
}

func newSQLSource(name string, db *sql.DB, now time.Time) *sqlSource {
	return &sqlSource{name: name, kind: sqlKind(db), db: db, use: newUsage(now)}
}

// sqlKind names the database from the driver's type: pgx's stdlib and
// lib/pq → postgres, go-sql-driver → mysql, modernc and mattn → sqlite.
func sqlKind(db *sql.DB) string {
	t := reflect.TypeOf(db.Driver())
	name := t.String() + " " + t.PkgPath()
	if t.Kind() == reflect.Pointer {
		name += " " + t.Elem().PkgPath()
	}
	name = strings.ToLower(name)
	switch {
	case strings.Contains(name, "pgx") || strings.Contains(name, "pq"):
		return "postgres"
	case strings.Contains(name, "mysql"):
		return "mysql"
	case strings.Contains(name, "sqlite"):
		return "sqlite"
	default:
		return "sql"
	}
}

func (s *sqlSource) settings() settingNames { return sqlSettings }

func (s *sqlSource) sample(now time.Time) (pools.Snapshot, []string) {
	st := s.db.Stats()
	util, peak := s.use.add(now, st.InUse, st.MaxOpenConnections)
	closed := pools.ClosedCounts{
		Idle:     uint64(st.MaxIdleClosed + st.MaxIdleTimeClosed),
		Lifetime: uint64(st.MaxLifetimeClosed),
	}
	return pools.Snapshot{
			Name: s.name, Kind: s.kind, Target: "database/sql (" + s.kind + ")",
			MaxSize: st.MaxOpenConnections,
			Total:   st.OpenConnections, Active: st.InUse, Idle: st.Idle,
			AcquireCount:  uint64(st.WaitCount),
			AcquireWaitMs: s.wait.add(uint64(st.WaitCount), st.WaitDuration),
			Exhaustions:   uint64(st.WaitCount),
			Created:       uint64(st.OpenConnections) + closed.Idle + closed.Lifetime,
			Closed:        closed,
			Utilization:   util, PeakUtilization: peak,
			Uptime:    now.Sub(s.use.start),
			Reachable: true,
		}, []string{
			"acquire_count and exhaustions: database/sql counts only the acquires that waited for a connection (WaitCount), which happens only with all MaxOpenConns in use",
			derivedWait("database/sql", "the acquires that waited"),
			derivedUtilization,
			"created: open connections plus those closed for idleness or lifetime (database/sql counts no others)",
			"min_size: database/sql does not report SetMaxIdleConns, so 0",
		}
}

// pgxSource reads a *pgxpool.Pool's Stat.
type pgxSource struct {
	name   string
	target string
	pool   *pgxpool.Pool
	use    usage
	wait   waits
}

func newPgxSource(name string, p *pgxpool.Pool, now time.Time) *pgxSource {
	cc := p.Config().ConnConfig
	target := redact.URL(fmt.Sprintf("postgres://%s@%s:%d/%s", cc.User, cc.Host, cc.Port, cc.Database))
	return &pgxSource{name: name, target: target, pool: p, use: newUsage(now)}
}

func (s *pgxSource) settings() settingNames { return pgxSettings }

func (s *pgxSource) sample(now time.Time) (pools.Snapshot, []string) {
	st := s.pool.Stat()
	maxSize := int(st.MaxConns())
	inUse := int(st.AcquiredConns())
	util, peak := s.use.add(now, inUse, maxSize)
	acquires := uint64(st.AcquireCount())
	return pools.Snapshot{
			Name: s.name, Kind: "postgres", Target: s.target,
			MinSize: int(s.pool.Config().MinConns), MaxSize: maxSize,
			Total: int(st.TotalConns()), Active: inUse, Idle: int(st.IdleConns()),
			Constructing:  int(st.ConstructingConns()),
			AcquireCount:  acquires,
			AcquireWaitMs: s.wait.add(acquires, st.AcquireDuration()),
			Cancellations: uint64(st.CanceledAcquireCount()),
			Created:       uint64(st.NewConnsCount()),
			Closed: pools.ClosedCounts{
				Idle: uint64(st.MaxIdleDestroyCount()), Lifetime: uint64(st.MaxLifetimeDestroyCount()),
			},
			Utilization: util, PeakUtilization: peak,
			Uptime:    now.Sub(s.use.start),
			Reachable: true,
		}, []string{
			derivedWait("pgxpool", "all acquires (AcquireDuration ÷ AcquireCount)"),
			derivedUtilization,
			"exhaustions: pgxpool does not say which empty acquires found the pool at its maximum, so 0",
		}
}

// RedisClient is what the monitor reads from a go-redis v9 client:
// *redis.Client, *redis.ClusterClient and *redis.Ring satisfy it. When the
// client also has Options() *redis.Options (a *redis.Client does), its
// PoolSize and MinIdleConns are the pool's max and min.
type RedisClient interface {
	PoolStats() *redis.PoolStats
}

// redisSource reads a go-redis client's PoolStats. go-redis counts a wait
// only when all PoolSize connections are in use, so waits are exhaustions.
type redisSource struct {
	name    string
	target  string
	client  RedisClient
	minSize int
	maxSize int
	use     usage
	wait    waits

	hits, misses, timeouts, waitCount, stale counter32
}

func newRedisSource(name string, c RedisClient, now time.Time) *redisSource {
	s := &redisSource{name: name, target: "redis", client: c, use: newUsage(now)}
	if o, ok := c.(interface{ Options() *redis.Options }); ok && o.Options() != nil {
		opts := o.Options()
		s.minSize, s.maxSize = opts.MinIdleConns, opts.PoolSize
		s.target = redact.URL("redis://" + opts.Addr)
	}
	return s
}

func (s *redisSource) settings() settingNames { return redisSettings }

func (s *redisSource) sample(now time.Time) (pools.Snapshot, []string) {
	st := s.client.PoolStats()
	total, idle := int(st.TotalConns), int(st.IdleConns)
	inUse := max(total-idle, 0)
	util, peak := s.use.add(now, inUse, s.maxSize)
	acquires := s.hits.add(st.Hits) + s.misses.add(st.Misses)
	waited := s.waitCount.add(st.WaitCount)
	return pools.Snapshot{
			Name: s.name, Kind: "redis", Target: s.target,
			MinSize: s.minSize, MaxSize: s.maxSize,
			Total: total, Active: inUse, Idle: idle, Waiting: int(st.PendingRequests),
			AcquireCount:  acquires,
			AcquireWaitMs: s.wait.add(acquires, time.Duration(st.WaitDurationNs)),
			Exhaustions:   waited,
			Timeouts:      s.timeouts.add(st.Timeouts),
			Closed:        pools.ClosedCounts{Idle: s.stale.add(st.StaleConns)},
			Utilization:   util, PeakUtilization: peak,
			Uptime:    now.Sub(s.use.start),
			Reachable: true,
		}, []string{
			derivedWait("go-redis", "all acquires (WaitDurationNs ÷ (Hits + Misses))"),
			derivedUtilization,
			"exhaustions: go-redis WaitCount, the acquires that found all PoolSize connections in use",
		}
}

// SnapshotPool is a resync pool (a *pools.Pool of any connection type).
type SnapshotPool interface {
	Snapshot() pools.Snapshot
}

// resyncSource reads a resync pool, whose snapshot has real quantiles and
// its own time-weighted utilization.
type resyncSource struct {
	name string
	pool SnapshotPool
}

func (s *resyncSource) settings() settingNames { return noSettings }

func (s *resyncSource) sample(time.Time) (pools.Snapshot, []string) {
	snap := s.pool.Snapshot()
	snap.Name = s.name
	return snap, nil
}
