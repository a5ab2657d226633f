#!/usr/bin/env bash
# Pool benchmarks as recorded in README.md ("Pools"): resync's pool vs
# jackc/puddle/v2 and database/sql, and resync with its instrumentation
# compiled out (-tags resync_nometrics). The two builds run interleaved, one
# round each at a time, so that load from other processes hits both alike.
#
# usage: bash bench/pool_bench.sh [rounds] [benchtime]   (default 10 1s; PAIRS=30
#        pairs for the paired instrumentation measurement, see paired.sh)
# needs: benchstat (go install golang.org/x/perf/cmd/benchstat@latest)
set -euo pipefail
rounds=${1:-10}
benchtime=${2:-1s}
cd "$(dirname "$0")"
out=${OUT:-$(mktemp -d)}
go test -c -o "$out/on.test" .
go test -c -tags resync_nometrics -o "$out/off.test" .
rm -f "$out/on.txt" "$out/off.txt" "$out/snap.txt"
for _ in $(seq "$rounds"); do
	"$out/on.test" -test.run '^$' -test.bench 'Pool(Uncontended|Contended)' -test.benchtime "$benchtime" >>"$out/on.txt"
	"$out/off.test" -test.run '^$' -test.bench 'Pool(Uncontended|Contended)/pool=resync' -test.benchtime "$benchtime" >>"$out/off.txt"
done
"$out/on.test" -test.run '^$' -test.bench 'PoolSnapshot' -test.benchtime "$benchtime" -test.count 6 >"$out/snap.txt"
echo "== resync vs puddle vs database/sql"
benchstat -col /pool "$out/on.txt"
echo "== instrumentation: resync_nometrics build vs the normal build"
benchstat -filter '/pool:resync' nometrics="$out/off.txt" metrics="$out/on.txt"
echo "== Snapshot"
benchstat "$out/snap.txt"
# The instrumentation's cost is a few per cent, below the drift of a shared
# machine between rounds: measure it again in back-to-back pairs, with an
# A/A control (the normal build against a copy of itself) for the method's
# own noise.
cp "$out/on.test" "$out/on-copy.test"
echo "== instrumentation, paired (metrics = normal build, nometrics = resync_nometrics build)"
cp "$out/on.test" "$out/metrics.test"
cp "$out/off.test" "$out/nometrics.test"
bash ./paired.sh "$out/metrics.test" "$out/nometrics.test" 'PoolUncontended/pool=resync' "${PAIRS:-30}" 200ms
bash ./paired.sh "$out/metrics.test" "$out/nometrics.test" 'PoolContended/pool=resync' "${PAIRS:-30}" 200ms
echo "== A/A control"
bash ./paired.sh "$out/on.test" "$out/on-copy.test" 'PoolUncontended/pool=resync' "${PAIRS:-30}" 200ms
echo "raw results in $out"
