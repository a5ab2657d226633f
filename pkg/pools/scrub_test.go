package pools

import (
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/target"
)

// A driver's URL parse error may quote the password bare; Open must not.
func TestOpenErrorNeverShowsThePassword(t *testing.T) {
	for _, raw := range []string{
		"redis://:?s3cretpw@127.0.0.1:1",
		"postgres://u:/s3cretpw@127.0.0.1:1/db?sslmode=bogus",
		"postgres://u:s3cretpw@127.0.0.1:1/db?sslmode=bogus",
		"mysql://u:s3cretpw@127.0.0.1:1/db?tls=bogus",
	} {
		_, err := Open(target.Target{Name: "db", URL: raw}, Options{MaxSize: 1, ConnectTimeout: time.Second, IdleTimeout: time.Second, MaxLifetime: time.Second, HealthCheckInterval: time.Second}, Operation{})
		if err == nil {
			t.Errorf("Open(%q) accepted a malformed URL", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("Open(%q) error shows the password: %v", raw, err)
		}
	}
}
