package target

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/redact"
)

// Prometheus is a Prometheus endpoint (TARGETS.METRICS_URLS): an
// application's own /metrics, read in observe mode only. Its URL is an
// http:// or https:// URL, which KindOf classifies as HTTP; FromMetricsURLs
// gives it this kind.
const Prometheus Kind = "prometheus"

// MetricsBase names the Prometheus endpoints: metrics, metrics2, …
const MetricsBase = "metrics"

// KeyMetricsURLs is the configuration key of the Prometheus endpoints.
const KeyMetricsURLs = "TARGETS.METRICS_URLS"

// FromMetricsURLs classifies and names the Prometheus endpoints: metrics,
// metrics2, … of kind Prometheus. A URL that is not http(s) is an *Error
// for KeyMetricsURLs.
func FromMetricsURLs(urls []string) ([]Target, error) {
	var out []Target
	for i, u := range urls {
		t, err := New(Name(MetricsBase, i), u)
		if err == nil && t.Kind != HTTP {
			err = fmt.Errorf("%s is a %s URL: a Prometheus endpoint is http:// or https:// (it belongs in %s)", redact.URL(u), t.Kind, keyFor(t.Kind))
		}
		if err != nil {
			return nil, &Error{Key: KeyMetricsURLs, Index: i, Err: err}
		}
		t.Kind = Prometheus
		out = append(out, t)
	}
	return out, nil
}
