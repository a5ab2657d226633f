#!/usr/bin/env bash
# Load test of the "resync serve" API on loopback, bounded in time.
#
# Builds resync, starts "resync serve" on a free loopback port against the
# embedded targets with the probes running, drives GET /api/performance/report
# with hey for DURATION, prints hey's summary and checks the targets of
# issue 8: >= MIN_RPS requests/s with p99 < MAX_P99_MS. Stops the server with
# SIGINT at the end (and on any exit).
#
#   bench/api/load.sh                    # 10s, 16 connections
#   DURATION=20s CONCURRENCY=32 bench/api/load.sh
#
# hey is taken from $HEY, then $PATH, else installed into a temporary GOBIN
# with "go install github.com/rakyll/hey@v0.1.5".
set -euo pipefail

DURATION=${DURATION:-10s}
CONCURRENCY=${CONCURRENCY:-16}
PROBE_RATE=${PROBE_RATE:-20}
PATH_UNDER_TEST=${PATH_UNDER_TEST:-/api/performance/report}
MIN_RPS=${MIN_RPS:-2000}
MAX_P99_MS=${MAX_P99_MS:-50}

case "$DURATION" in
  [1-9]s|[1-5][0-9]s|60s) ;;
  *) echo "load.sh: DURATION must be 1s to 60s, got $DURATION" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -INT "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

hey=${HEY:-$(command -v hey || true)}
if [ -z "$hey" ]; then
  echo "load.sh: installing hey into $work/bin" >&2
  GOBIN="$work/bin" GOFLAGS=-mod=mod go install github.com/rakyll/hey@v0.1.5
  hey="$work/bin/hey"
fi

(cd "$root" && go build -o "$work/resync" .)

"$work/resync" serve --addr 127.0.0.1:0 --interval 1s --probe-rate "$PROBE_RATE" 2>"$work/serve.log" &
serve_pid=$!
addr=
for _ in $(seq 1 200); do
  addr=$(sed -n 's|^resync serve: listening on http://\([^ ]*\) .*|\1|p' "$work/serve.log")
  [ -n "$addr" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.05
done
[ -n "$addr" ] || { echo "load.sh: serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
url="http://$addr$PATH_UNDER_TEST"
echo "load.sh: $(head -1 "$work/serve.log")"
echo "load.sh: body $(curl -s -o /dev/null -w '%{size_download}' "$url" 2>/dev/null || echo '?') bytes; hey -z $DURATION -c $CONCURRENCY $url"

"$hey" -z "$DURATION" -c "$CONCURRENCY" "$url" | tee "$work/hey.txt"

# Probes ran during the load: their histogram count is on /metrics.
probes=$(curl -s "http://$addr/metrics" | awk '/^resync_probe_duration_seconds_count/ {n += $2} END {print n+0}')
echo "load.sh: probe operations completed while serving: $probes"

rps=$(awk '/Requests\/sec:/ {print $2}' "$work/hey.txt")
p99=$(awk '/ 99%% in / {print $3}' "$work/hey.txt")
codes=$(sed -n '/Status code distribution:/,/^$/p' "$work/hey.txt" | tr -s ' ')
p99_ms=$(awk -v s="$p99" 'BEGIN {printf "%.2f", s * 1000}')
echo "load.sh: ${rps} req/s, p99 ${p99_ms} ms (targets: >= $MIN_RPS req/s, p99 < $MAX_P99_MS ms)"
echo "$codes" | grep -q '\[200\]' || { echo "load.sh: no 200 responses" >&2; exit 1; }
if echo "$codes" | grep -v '\[200\]' | grep -q '\['; then
  echo "load.sh: non-200 responses: $codes" >&2; exit 1
fi
awk -v r="$rps" -v p="$p99_ms" -v minr="$MIN_RPS" -v maxp="$MAX_P99_MS" \
  'BEGIN { exit !(r >= minr && p < maxp) }' || { echo "load.sh: below target" >&2; exit 1; }
echo "load.sh: OK"
