package sizing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/target"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// limitServer serves at most k requests at once, each taking delay: a
// target with a known concurrency limit.
func limitServer(t *testing.T, k int, delay time.Duration) *httptest.Server {
	t.Helper()
	slots := make(chan struct{}, k)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		time.Sleep(delay)
		<-slots
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// opener opens real pools (pools.Open, the HTTP connector: one TCP
// connection per pooled slot) of exactly the asked size in front of srv.
func opener(srv *httptest.Server) Opener {
	return urlOpener(srv.URL, pools.Operation{})
}

func urlOpener(rawURL string, op pools.Operation) Opener {
	return func(_ context.Context, size int) (Target, error) {
		return pools.Open(target.Target{Name: "test", URL: rawURL}, pools.Options{
			MinSize: size, MaxSize: size, ConnectTimeout: 5 * time.Second, IdleTimeout: time.Minute,
			MaxLifetime: time.Hour, HealthCheckInterval: time.Minute,
		}, op)
	}
}
