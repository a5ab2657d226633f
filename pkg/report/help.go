package report

// HelpText explains scores, ratings, recommendation rules and the overall
// health in the words of the code, for `resync report --help` and the
// `pools stats` help. Change it together with the formulas and their tests.
const HelpText = `SCORES (0–100) AND RATINGS
  Cache: 60 × hit rate + 20 × (1 − eviction rate) + 20 × memory efficiency.
    Eviction rate = capacity evictions / stores. Memory efficiency is 1 while the
    estimated bytes are ≤ 80 % of the byte bound, falling linearly to 0 at 100 %.
  Pool: 40 × utilization score + 30 × wait score + 30 × error score.
    Utilization = time-weighted in-use / max; its score is 1 inside 60–80 %,
    falling linearly to 0 at 0 % and at 100 %. Wait score is 1 at p95 acquire
    wait ≤ 10 ms, 0 at ≥ 100 ms. Error score = 1 − min(1, error rate / 5 %).
  Ratings: 80–100 excellent, 60–79 good, 40–59 fair, 0–39 poor. In observe
    mode an entry that saw no traffic in the window is "no traffic", not scored.

RECOMMENDATIONS
  Pool: utilization > 90 % → raise *_POOL_MAX_SIZE (warning); < 20 % → lower
    *_POOL_MIN_SIZE (info); p95 acquire wait > 100 ms → grow the pool or optimize
    queries (warning); error rate > 5 % → check backend health (critical); any
    exhaustion → raise max now (critical from 1 % of acquires, warning below);
    an outage window — 2 s or more in a row with errors and no successful
    operation, from the workload's per-second series → the target was down or
    refusing connections (critical).
  Cache: hit rate < 70 % → larger ASYNC_CACHE_MAX_ITEMS or longer ASYNC_CACHE_TTL
    (warning below 50 %); eviction rate > 10 % → larger capacity (warning);
    memory > 80 % of the bound → raise ASYNC_CACHE_MAX_MEMORY_MB or shrink values
    (warning from 95 %).
  New sizes aim at 70 % utilization.

OVERALL HEALTH
  critical: a target is unreachable, a pool's error rate is above 5 %, a pool
    had an outage window, or a leak is critical (e.g. a session idle in
    transaction);
  degraded: a score below 60, a warning or critical recommendation, or any other
    potential leak;
  healthy otherwise.
`
