//go:build resync_nometrics

package pools

// metricsEnabled is false in this benchmark-only build: see metrics_on.go.
const metricsEnabled = false
