package workload

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/pkg/cache"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// limitedServer serves at most capacity requests at once, each taking delay;
// further requests queue inside the server. served counts finished requests.
type limitedServer struct {
	*httptest.Server
	served atomic.Int64
}

func newLimitedServer(t *testing.T, capacity int, delay time.Duration) *limitedServer {
	t.Helper()
	s := &limitedServer{}
	slots := make(chan struct{}, capacity)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		time.Sleep(delay)
		<-slots
		s.served.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s
}

// httpOp returns an Op doing GET url with its own transport, closed at the
// end of the test so no keep-alive goroutine outlives it.
func httpOp(t *testing.T, url string) Op {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode >= 500 {
			return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
		}
		return nil
	}
}

// mapCache is a minimal unbounded read-through cache for tests of the
// cache mode's bookkeeping.
type mapCache struct {
	mu           sync.Mutex
	m            map[uint64]bool
	hits, misses uint64
	sets         uint64
}

func newMapCache() *mapCache { return &mapCache{m: map[uint64]bool{}} }

func (c *mapCache) Lookup(k uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[k] {
		c.hits++
		return true
	}
	c.misses++
	return false
}

func (c *mapCache) Fill(k uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.m[k] {
		c.sets++
	}
	c.m[k] = true
}

func (c *mapCache) Stats() cache.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cache.Stats{Hits: c.hits, Misses: c.misses, Sets: c.sets, Items: len(c.m)}
}

func run(t *testing.T, o Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// countingOp counts calls and sleeps d (when positive) honouring ctx.
func countingOp(n *atomic.Int64, d time.Duration) Op {
	return func(ctx context.Context) error {
		n.Add(1)
		if d <= 0 {
			return nil
		}
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
