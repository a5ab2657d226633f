#!/usr/bin/env bash
# Paired comparison of two benchmark binaries on a noisy machine: runs one
# benchmark in A and in B back to back, n times, alternating which goes
# first, and reports the medians and the median of the per-pair ratios A/B
# with its quartiles. Slow drifts of the machine's speed (other tenants,
# clock) hit both halves of a pair alike and cancel in the ratio, which they
# do not in two medians taken minutes apart. Run A against a copy of itself
# to see the method's own noise (an A/A control). The minima are printed too:
# other tenants only ever slow a run down, so the fastest run of each is the
# estimate least touched by them (and the ratio of the minima a check on the
# median ratio).
#
# usage: bash bench/paired.sh A.test B.test 'BenchmarkRegexp' [pairs] [benchtime]
#   e.g. bash bench/paired.sh on.test off.test 'PoolUncontended/pool=resync' 30 200ms
set -euo pipefail
if [ $# -lt 3 ]; then
	sed -n '2,14p' "$0" >&2
	exit 2
fi
a=$1 b=$2 bench=$3 n=${4:-30} bt=${5:-200ms}
for f in "$a" "$b"; do
	[ -x "$f" ] || { echo "paired.sh: $f is not an executable test binary (build one with go test -c)" >&2; exit 2; }
done
run() { # binary → ns/op of the one matching benchmark
	"$1" -test.run '^$' -test.bench "$bench" -test.benchtime "$bt" | awk '/^Benchmark/ && !done { print $3; done = 1 }'
}
for i in $(seq "$n"); do
	if ((i % 2)); then x=$(run "$a"); y=$(run "$b"); else y=$(run "$b"); x=$(run "$a"); fi
	[ -n "$x" ] && [ -n "$y" ] || { echo "paired.sh: no result for $bench" >&2; exit 1; }
	echo "$x $y"
done | awk -v A="$(basename "$a")" -v B="$(basename "$b")" -v bench="$bench" -v bt="$bt" '
	function median(v, k,    t, i, j) { # sorts v[1..k] in place
		for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j+1] = v[j]; v[j+1] = t }
		return k % 2 ? v[(k+1)/2] : (v[k/2] + v[k/2+1]) / 2
	}
	{ n++; x[n] = $1; y[n] = $2; r[n] = $1 / $2 }
	END {
		mx = median(x, n); my = median(y, n); mr = median(r, n)
		printf "%s, %d pairs of %s, alternating order\n", bench, n, bt
		printf "  %-16s median %10.2f ns/op  min %10.2f\n", A, mx, x[1]
		printf "  %-16s median %10.2f ns/op  min %10.2f\n", B, my, y[1]
		printf "  ratio %s/%s: median %.3f (quartiles %.3f … %.3f); of the minima %.3f\n", A, B, mr, r[int((n+3)/4)], r[int((3*n+1)/4)], x[1] / y[1]
	}'
