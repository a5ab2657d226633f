#!/usr/bin/env bash
# Load quality: resync pools stats against the reference load generators,
# side by side, on the same local servers, with the same concurrency and
# duration:
#
#   Redis GET (no pipelining)   resync --redis-command "GET key:__rand_int__"  vs  redis-benchmark -t get -P 1
#                               (and, as a reference, go-redis alone: bench/load/rawredis)
#   PostgreSQL SELECT 1         resync --query "SELECT 1"                       vs  pgbench -n -f select1.sql -j 2
#   HTTP GET (bench/load/httpserver)  resync --http                              vs  hey, wrk
#
# Every target is on loopback. Each pair runs REPEAT times (alternating
# resync and the peer), and the table shows the medians, the ratio
# resync / peer, and resync's CPU cost per operation (user + system CPU of
# the resync process, from /usr/bin/time, over every operation it ran,
# warm-up included).
#
# Usage: bench/load/compare.sh            (from anywhere in the repository)
#   C=32 D=10 REPEAT=3 bench/load/compare.sh
# Environment: C (concurrency, default 32), D (seconds per run, default 10),
#   REPEAT (runs per tool, default 3, at most 9), REDIS_PORT (6379),
#   PG_PORT (5432), PG_USER (postgres), PG_DB (test), SKIP (space-separated
#   among: redis pg http).
# Needs: go, python3, redis-benchmark and redis-cli, pgbench and psql; hey is
# installed into a temporary GOBIN from the Go module proxy, wrk from
# Debian's packages when missing (root only; skipped otherwise).
set -euo pipefail

C=${C:-32}
D=${D:-10}
REPEAT=${REPEAT:-3}
REDIS_PORT=${REDIS_PORT:-6379}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PG_DB=${PG_DB:-test}
SKIP=${SKIP:-}
WARMUP=1

die() { echo "compare.sh: $*" >&2; exit 1; }
[[ $C =~ ^[0-9]+$ && $C -ge 1 && $C -le 1024 ]] || die "C=$C: use 1..1024"
[[ $D =~ ^[0-9]+$ && $D -ge 1 && $D -le 120 ]] || die "D=$D: use 1..120 seconds"
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 && $REPEAT -le 9 ]] || die "REPEAT=$REPEAT: use 1..9"
for t in go python3; do command -v "$t" >/dev/null || die "$t is required"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is required (apt-get install -y time)"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

log() { echo "· $*" >&2; }

log "building resync and the HTTP target"
(cd "$root" && go build -o "$tmp/resync" .)
(cd "$root/bench" && go build -o "$tmp/httpserver" ./load/httpserver && go build -o "$tmp/rawredis" ./load/rawredis)

skipped() { [[ " $SKIP " == *" $1 "* ]]; }

# median of the numbers on stdin
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.stdin.read().split()]; print(statistics.median(v) if v else 0)'; }

# json_get FILE EXPR: evaluates a Python expression over the JSON document d.
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# run_resync NAME ARGS...: one resync pools stats run; appends its ops/s to
# $tmp/NAME.resync and its CPU µs per operation to $tmp/NAME.cpu.
run_resync() {
  local name=$1; shift
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$tmp/resync" pools stats "$@" \
    --duration "${D}s" --warmup "${WARMUP}s" --concurrency "$C" -o json >"$tmp/out.json"
  local pool ops total cpu
  pool=$(json_get "$tmp/out.json" 'next(iter(d["workload"]))')
  ops=$(json_get "$tmp/out.json" "d['workload']['$pool']['throughput_per_s']")
  total=$(json_get "$tmp/out.json" "d['connection_pools']['$pool']['metrics']['operations']")
  read -r u s <"$tmp/time"
  cpu=$(python3 -c "print(($u + $s) / max($total, 1) * 1e6)")
  echo "$ops" >>"$tmp/$name.resync"
  echo "$cpu" >>"$tmp/$name.cpu"
  log "  resync $name: $ops ops/s, $cpu µs CPU/op"
}

rows=()
# report NAME PEER TARGET: one table row from the medians.
report() {
  local name=$1 peer=$2 target=$3
  local r p c
  r=$(median <"$tmp/$name.resync")
  p=$(median <"$tmp/$name.$peer")
  c=$(median <"$tmp/$name.cpu")
  rows+=("$(python3 -c "
r, p, c = $r, $p, $c
ratio = r / p if p else 0
print(f'{\"$name\":<16} {\"$peer\":<16} {r:>12,.0f} {p:>12,.0f} {ratio:>7.1%}   {\"$target\":<10} {c:>10.1f}')
")")
}

# --- Redis GET -----------------------------------------------------------
if ! skipped redis; then
  command -v redis-benchmark >/dev/null || die "redis-benchmark is required (apt-get install -y redis-tools)"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" SET 'key:__rand_int__' xxx >/dev/null
  # redis-benchmark has no duration option: size -n from a short calibration.
  rps=$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get -c "$C" -P 1 -n 50000 2>&1 | tr '\r' '\n' |
    sed -n 's/.*throughput summary: \([0-9.]*\).*/\1/p' | tail -1)
  n=$(python3 -c "print(int(float('${rps:-100000}') * $D))")
  log "Redis GET, $C clients, ${D}s (redis-benchmark -n $n)"
  for _ in $(seq "$REPEAT"); do
    REDIS_POOL_MIN_SIZE=$C REDIS_POOL_MAX_SIZE=$C run_resync redis-get \
      --redis "redis://127.0.0.1:$REDIS_PORT/0" --redis-command 'GET key:__rand_int__'
    v=$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get -c "$C" -P 1 -n "$n" 2>&1 | tr '\r' '\n' |
      sed -n 's/.*throughput summary: \([0-9.]*\).*/\1/p' | tail -1)
    echo "$v" >>"$tmp/redis-get.redis-benchmark"
    log "  redis-benchmark: $v ops/s"
    v=$("$tmp/rawredis" -addr "127.0.0.1:$REDIS_PORT" -c "$C" -d "${D}s")
    echo "$v" >>"$tmp/redis-get.go-redis-alone"
    log "  go-redis alone (bench/load/rawredis): $v ops/s"
  done
  report redis-get redis-benchmark "≥ 95 %"
  report redis-get go-redis-alone "(ref.)"
fi

# --- PostgreSQL SELECT 1 ---------------------------------------------------
if ! skipped pg; then
  command -v pgbench >/dev/null || die "pgbench is required (apt-get install -y postgresql-client)"
  echo 'SELECT 1;' >"$tmp/select1.sql"
  pg_url="postgres://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"
  log "PostgreSQL SELECT 1, $C clients, ${D}s"
  for _ in $(seq "$REPEAT"); do
    DB_POOL_MIN_SIZE=$C DB_POOL_MAX_SIZE=$C run_resync pg-select1 --db "$pg_url" --query 'SELECT 1'
    v=$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -n -f "$tmp/select1.sql" -c "$C" -j 2 -T "$D" "$PG_DB" 2>&1 |
      sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
    echo "$v" >>"$tmp/pg-select1.pgbench"
    log "  pgbench: $v tps"
  done
  report pg-select1 pgbench "≥ 95 %"
fi

# --- HTTP GET --------------------------------------------------------------
if ! skipped http; then
  "$tmp/httpserver" >"$tmp/url" &
  server_pid=$!
  for _ in $(seq 50); do [[ -s $tmp/url ]] && break; sleep 0.1; done
  url=$(head -1 "$tmp/url")
  [[ $url == http://127.0.0.1:* ]] || die "the HTTP target did not start"
  log "installing hey into a temporary GOBIN"
  GOBIN="$tmp/bin" timeout 300 go install github.com/rakyll/hey@latest || die "go install hey failed"
  if ! command -v wrk >/dev/null; then
    if [[ $(id -u) == 0 ]]; then
      log "installing wrk from Debian's packages"
      (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }) ||
        log "wrk could not be installed: skipped"
    else
      log "wrk is missing and we are not root: skipped"
    fi
  fi
  log "HTTP GET $url, $C connections, ${D}s"
  for _ in $(seq "$REPEAT"); do
    HTTP_POOL_MIN_SIZE=$C HTTP_POOL_MAX_SIZE=$C run_resync http-get --http "$url"
    v=$("$tmp/bin/hey" -z "${D}s" -c "$C" "$url" | sed -n 's/.*Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p')
    echo "$v" >>"$tmp/http-get.hey"
    log "  hey: $v req/s"
    if command -v wrk >/dev/null; then
      v=$(wrk -t 2 -c "$C" -d "${D}s" "$url" | sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p')
      echo "$v" >>"$tmp/http-get.wrk"
      log "  wrk: $v req/s"
    fi
  done
  report http-get hey "≥ 100 %"
  [[ -s $tmp/http-get.wrk ]] && report http-get wrk "≥ 70 %"
fi

echo
echo "Load quality: C=$C, ${D}s per run, median of $REPEAT run(s), loopback, $(nproc) cores"
printf '%-16s %-16s %12s %12s %8s   %-10s %10s\n' workload peer "resync op/s" "peer op/s" ratio target "resync µs CPU/op"
for r in "${rows[@]}"; do echo "$r"; done
