//go:build !resync_nometrics

package pools

// metricsEnabled switches the hot-path instrumentation (clock reads,
// histograms, utilization). It is false only in builds with the
// resync_nometrics tag, which exist solely to measure what the
// instrumentation costs (bench/pool_test.go); never ship such a build.
const metricsEnabled = true
