package observe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/report"
)

// Facts the rules quote.
const (
	FactPolicy        = "maxmemory_policy" // redis
	FactKeys          = "keys"             // redis: keys in all databases
	FactKeysWithTTL   = "keys_with_ttl"    // redis: keys with an expiry
	FactSizeSetting   = "size_setting"     // the server setting holding the cache size: shared_buffers, innodb_buffer_pool_size
	FactMaxSetting    = "max_setting"      // the setting holding the pool's max: maxclients, max_connections, pool_size
	FactPasteMax      = "paste_max"        // how to paste a new max: a format with one %d
	FactPasteSize     = "paste_size"       // how to paste a new cache size: a format with one %d, in MiB
	FactInTransaction = "in_transaction"   // postgres: sessions idle in transaction at the last reading
	FactHidden        = "hidden"           // postgres: sessions whose state the observing role may not see
	FactMaxUsed       = "max_used"         // mysql: Max_used_connections, the high-water mark since start
	FactFreePages     = "free_pages"       // mysql: Innodb_buffer_pool_pages_free
)

// Thresholds of the observe rules (the spec's, as pkg/report's).
const (
	hitRateTarget    = 0.70 // below: the cache is too small or keys too short-lived
	highEvictionRate = 0.10 // evictions per write
	memoryNearBound  = 0.90 // used / bound
	highUtilization  = 0.90 // peak in use / max
	highErrorRate    = 0.05
)

func rec(id, sev, subject, msg string, ev map[string]float64, suggestion string) report.Recommendation {
	return report.Recommendation{ID: id, Severity: sev, Subject: subject, Message: msg, Evidence: ev, Suggestion: suggestion}
}

// grow is a size 2× cur for a paste-able line, rounded to MiB.
func grow(cur int64) string {
	mb := max(2*cur/(1<<20), 1)
	return strconv.FormatInt(mb, 10) + "MB"
}

func cacheRules(source, name string, c CacheWindow, st cache.Stats, miss []string) []report.Recommendation {
	var out []report.Recommendation
	has := func(m string) bool { return !contains(miss, m) }
	f := c.Last.Facts
	if has(report.MetricHitRate) && st.HitRate < hitRateTarget {
		sug := "keep hot keys longer (longer TTLs) or cache more of what is read"
		switch source {
		case report.SourceRedis:
			if c.Evictions > 0 && st.MaxBytes > 0 {
				sug = "CONFIG SET maxmemory " + strings.ToLower(grow(st.MaxBytes)) + "  (and maxmemory in redis.conf)"
			}
		case report.SourcePostgres, report.SourceMySQL:
			if format := f[FactPasteSize]; st.MaxBytes > 0 && format != "" {
				sug = fmt.Sprintf(format, max(2*st.MaxBytes>>20, 1))
			}
			if free, _ := strconv.ParseInt(f[FactFreePages], 10, 64); free > 0 && st.Bytes < st.MaxBytes*9/10 {
				// Reads from disk while a tenth of the pool is free: it is
				// still warming up, so a larger pool would not help yet.
				sug = fmt.Sprintf("none yet: %d pages of the buffer pool are free, it is still warming up; observe again later", free)
			}
		}
		out = append(out, rec("cache.low_hit_rate", report.SeverityWarning, name,
			fmt.Sprintf("hit rate %s over the window is below the %s target", pct(st.HitRate), pct(hitRateTarget)),
			map[string]float64{"hit_rate": st.HitRate, "hits": float64(c.Hits), "misses": float64(c.Misses)}, sug))
	}
	if has(report.MetricEvictionRate) && st.EvictionRate > highEvictionRate {
		sug := "raise the cache's memory bound"
		if source == report.SourceRedis && st.MaxBytes > 0 {
			sug = "CONFIG SET maxmemory " + strings.ToLower(grow(st.MaxBytes))
		}
		out = append(out, rec("cache.high_eviction_rate", report.SeverityWarning, name,
			fmt.Sprintf("%s of writes evicted a key (%d evictions for %d writes)", pct(st.EvictionRate), c.Evictions, c.Sets),
			map[string]float64{"eviction_rate": st.EvictionRate, "evictions": float64(c.Evictions), "sets": float64(c.Sets)}, sug))
	}
	if has(report.MetricMemoryEfficiency) && st.ByteUtilization > memoryNearBound {
		sug := "raise the memory bound or store smaller values"
		if source == report.SourceRedis {
			sug = "CONFIG SET maxmemory " + strings.ToLower(grow(st.MaxBytes))
		}
		out = append(out, rec("cache.memory_near_bound", report.SeverityWarning, name,
			fmt.Sprintf("memory %s of the bound is in use", pct(st.ByteUtilization)),
			map[string]float64{"byte_utilization": st.ByteUtilization, "memory_bytes": float64(st.Bytes), "max_bytes": float64(st.MaxBytes)}, sug))
	}
	switch source {
	case report.SourceRedis:
		out = append(out, redisCacheRules(name, c, st)...)
	case report.SourcePostgres:
		out = append(out, pgCacheRules(name, c)...)
	}
	return out
}

// pgCacheRules: sorts and hashes that spilled to temporary files (evidence
// of a small work_mem, next to the buffer cache's figures).
func pgCacheRules(name string, c CacheWindow) []report.Recommendation {
	files, bytes := c.Counters[CounterTempFiles], c.Counters[CounterTempBytes]
	if files == 0 {
		return nil
	}
	return []report.Recommendation{rec("postgres.temp_files", report.SeverityInfo, name,
		fmt.Sprintf("%d temporary files (%d bytes) written in the window by sorts and hashes larger than work_mem", files, bytes),
		map[string]float64{CounterTempFiles: float64(files), CounterTempBytes: float64(bytes)},
		"ALTER SYSTEM SET log_temp_files = 0 to log the queries, then raise work_mem for them")}
}

// redisCacheRules: a volatile-* policy that evicts while few keys have a
// TTL (Redis can only evict keys with one, then fails writes), and a Redis
// with no maxmemory used as a cache.
func redisCacheRules(name string, c CacheWindow, st cache.Stats) []report.Recommendation {
	var out []report.Recommendation
	f := c.Last.Facts
	policy := f[FactPolicy]
	keys, _ := strconv.ParseFloat(f[FactKeys], 64)
	ttl, _ := strconv.ParseFloat(f[FactKeysWithTTL], 64)
	if strings.HasPrefix(policy, "volatile-") && c.Evictions > 0 && keys > 0 && ttl/keys < 0.5 {
		out = append(out, rec("redis.policy_volatile_few_ttl", report.SeverityWarning, name,
			fmt.Sprintf("maxmemory-policy %s evicts only keys with a TTL, and only %.0f of %.0f keys have one", policy, ttl, keys),
			map[string]float64{"keys": keys, "keys_with_ttl": ttl, "evictions": float64(c.Evictions)},
			"CONFIG SET maxmemory-policy allkeys-lru"))
	}
	if policy == "noeviction" && st.MaxBytes > 0 && st.ByteUtilization > memoryNearBound {
		out = append(out, rec("redis.noeviction_full", report.SeverityCritical, name,
			"maxmemory-policy noeviction with memory near maxmemory: writes will fail with OOM errors",
			map[string]float64{"byte_utilization": st.ByteUtilization},
			"CONFIG SET maxmemory-policy allkeys-lru"))
	}
	if st.MaxBytes == 0 && st.Bytes > 0 {
		out = append(out, rec("redis.no_maxmemory", report.SeverityInfo, name,
			"no maxmemory: used as a cache, Redis grows until the machine runs out of memory",
			map[string]float64{"memory_bytes": float64(st.Bytes)},
			"CONFIG SET maxmemory "+strings.ToLower(grow(st.Bytes))+"  and  CONFIG SET maxmemory-policy allkeys-lru"))
	}
	return out
}

func poolRules(source, name string, p PoolWindow, s pools.Snapshot) []report.Recommendation {
	var out []report.Recommendation
	f := p.Last.Facts
	pasteMax := func(n int) string {
		if format := f[FactPasteMax]; format != "" {
			return fmt.Sprintf(format, n)
		}
		return fmt.Sprintf("raise the pool's max to %d", n)
	}
	next := max(s.MaxSize+1, s.MaxSize*3/2)
	if p.Rejected > 0 {
		out = append(out, rec("pool.exhausted", report.SeverityCritical, name,
			fmt.Sprintf("%d connections were refused at the limit of %d (%s) in the window", p.Rejected, s.MaxSize, f[FactMaxSetting]),
			map[string]float64{"rejected": float64(p.Rejected), "max_size": float64(s.MaxSize)}, pasteMax(next)))
	}
	if s.MaxSize > 0 && p.PeakUtilization > highUtilization {
		out = append(out, rec("pool.raise_max", report.SeverityWarning, name,
			fmt.Sprintf("peak %s of %d connections (%s) in use", pct(p.PeakUtilization), s.MaxSize, f[FactMaxSetting]),
			maxUsedEvidence(map[string]float64{"peak_utilization": p.PeakUtilization, "max_size": float64(s.MaxSize)}, f), pasteMax(next)))
	}
	if rate := s.ErrorRate(); rate > highErrorRate {
		out = append(out, rec("pool.high_error_rate", report.SeverityWarning, name,
			fmt.Sprintf("error rate %s over the window (%d of %d)", pct(rate), p.Errors, p.Attempts),
			map[string]float64{"error_rate": rate, "errors": float64(p.Errors)}, errorHint(source)))
	}
	if p.PeakWaiting > 0 {
		out = append(out, rec("pool.clients_waiting", report.SeverityWarning, name,
			fmt.Sprintf("up to %d clients waited (%s) during the window", p.PeakWaiting, waitWhat(source)),
			map[string]float64{"peak_waiting": float64(p.PeakWaiting), "max_wait_ms": p.PeakWaitMs}, waitHint(source, pasteMax(next))))
	}
	if source == report.SourcePostgres {
		out = append(out, pgPoolRules(name, p)...)
	}
	return out
}

// Thresholds of the PostgreSQL evidence rules.
const (
	highRollbackRatio = 0.05 // rolled-back share of the window's transactions
	minTransactions   = 20   // fewer make no ratio worth quoting
)

// pgPoolRules: deadlocks and a high share of rolled-back transactions
// (evidence, not pool errors: the pool's score ignores them), and sessions
// the observing role could not see the state of.
func pgPoolRules(name string, p PoolWindow) []report.Recommendation {
	var out []report.Recommendation
	if hidden, _ := strconv.Atoi(p.Last.Facts[FactHidden]); hidden > 0 {
		out = append(out, rec("postgres.stats_hidden", report.SeverityInfo, name,
			fmt.Sprintf("%d sessions of other roles show no state to the observing role: they count as idle and their lock waits are not seen", hidden),
			map[string]float64{FactHidden: float64(hidden)}, "GRANT pg_read_all_stats TO <the role in the URL>"))
	}
	commits, rollbacks, deadlocks := p.Counters[CounterCommits], p.Counters[CounterRollbacks], p.Counters[CounterDeadlocks]
	ev := map[string]float64{CounterCommits: float64(commits), CounterRollbacks: float64(rollbacks), CounterDeadlocks: float64(deadlocks)}
	if deadlocks > 0 {
		out = append(out, rec("postgres.deadlocks", report.SeverityWarning, name,
			fmt.Sprintf("%d deadlocks in the window (%d commits, %d rollbacks)", deadlocks, commits, rollbacks),
			ev, "ALTER SYSTEM SET log_lock_waits = on; read the deadlock reports in the server log and take row locks in one order"))
	}
	if xacts := commits + rollbacks; xacts >= minTransactions && float64(rollbacks) > highRollbackRatio*float64(xacts) {
		out = append(out, rec("postgres.rollbacks", report.SeverityInfo, name,
			fmt.Sprintf("%s of the window's %d transactions rolled back", pct(float64(rollbacks)/float64(xacts)), xacts),
			ev, "rollbacks are often the application's own (ROLLBACK after a failed check); see the server log for errors"))
	}
	return out
}

// maxUsedEvidence adds MySQL's Max_used_connections to ev when the source
// gave it.
func maxUsedEvidence(ev map[string]float64, f map[string]string) map[string]float64 {
	if n, err := strconv.ParseFloat(f[FactMaxUsed], 64); err == nil {
		ev["max_used_connections"] = n
	}
	return ev
}

func errorHint(source string) string {
	switch source {
	case report.SourcePostgres:
		return "sessions ended by a FATAL error or terminated (timeouts, pg_terminate_backend): see the server log"
	case report.SourceMySQL:
		return "check Aborted_connects and Connection_errors_*: wrong credentials, max_connect_errors, network"
	case report.SourceRedis:
		return "rejected connections: raise maxclients or fix the clients' connection leaks"
	}
	return "check the backend's health"
}

func waitWhat(source string) string {
	switch source {
	case report.SourcePostgres:
		return "sessions waiting on a lock"
	case report.SourceRedis:
		return "clients blocked in BLPOP/BRPOP/WAIT/…"
	case report.SourceMySQL:
		return "InnoDB row lock waits"
	}
	return "clients waiting for a server connection"
}

func waitHint(source, grow string) string {
	switch source {
	case report.SourcePostgres:
		return "find the blocker: resync leaks (blocking chains), or SELECT pg_blocking_pids(pid) FROM pg_stat_activity"
	case report.SourceMySQL:
		return "find the blocker: SELECT * FROM sys.innodb_lock_waits (MySQL), information_schema.INNODB_LOCK_WAITS (MariaDB)"
	case report.SourceRedis:
		return "blocked clients are usually queue consumers; check they are expected"
	}
	return grow
}
