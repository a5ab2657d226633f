package inspect_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

func findOutlier(r *inspect.Result, reason, id string) *inspect.Outlier {
	for i, o := range r.Outliers {
		if o.Reason == reason && o.ClientID == id {
			return &r.Outliers[i]
		}
	}
	return nil
}

// A pool of four named clients where three work and one sits idle, and a
// client that pipelines GETs of a big value without reading the replies, on
// a private redis-server.
func TestRedisClientOutliers(t *testing.T) {
	srv := testenv.StartRedis(t)
	ctx := context.Background()
	pool := uniqueName("worker-pool-")
	var busy []*redis.Conn
	for range 3 {
		busy = append(busy, redisConn(t, srv.URL, pool))
	}
	idle := redisConn(t, srv.URL, pool)
	idleID, err := idle.ClientID(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}

	opts, _ := redis.ParseURL(srv.URL)
	const valueSize = 512 << 10
	setter := redisConn(t, srv.URL, "setter")
	if err := setter.Set(ctx, "outlier-big", strings.Repeat("x", valueSize), 0).Err(); err != nil {
		t.Fatal(err)
	}
	slow, err := net.Dial("tcp", opts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slowName := uniqueName("slow-reader-")
	// CLIENT SETNAME and CLIENT ID replies are read; the 64 GET replies
	// (32 MiB) are not, so most of them wait in the output buffer.
	fmt.Fprintf(slow, "CLIENT SETNAME %s\r\nCLIENT ID\r\n", slowName)
	br := bufio.NewReader(slow)
	if l, err := br.ReadString('\n'); err != nil || l != "+OK\r\n" {
		t.Fatalf("CLIENT SETNAME: %q %v", l, err)
	}
	l, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(l, ":") {
		t.Fatalf("CLIENT ID: %q %v", l, err)
	}
	slowID := strings.TrimSpace(l[1:])
	if _, err := slow.Write([]byte(strings.Repeat("GET outlier-big\r\n", 64))); err != nil {
		t.Fatal(err)
	}

	run := func(ctx context.Context) (*inspect.Result, error) {
		for _, c := range busy {
			if err := c.Ping(ctx).Err(); err != nil {
				return nil, err
			}
		}
		return inspect.Redis(ctx, srv.URL, inspect.Options{MaxLifetime: time.Second})
	}
	id := strconv.FormatInt(idleID, 10)
	r := eventually(t, "an idle outlier and a big output buffer", run, func(r *inspect.Result) bool {
		return findOutlier(r, inspect.FindingIdleOutlier, id) != nil &&
			findOutlier(r, inspect.FindingOutputBuffer, slowID) != nil
	})
	o := findOutlier(r, inspect.FindingIdleOutlier, id)
	if o.Application != pool || o.GroupSize != 4 || o.IdleSeconds <= 1 || o.GroupMedianIdle >= 1 {
		t.Errorf("idle outlier = %+v, want %s idle >1s in a group of 4 with median <1s", o, pool)
	}
	for _, c := range busy {
		bid, _ := c.ClientID(ctx).Result()
		if findOutlier(r, inspect.FindingIdleOutlier, strconv.FormatInt(bid, 10)) != nil {
			t.Errorf("busy client %d reported idle: %+v", bid, r.Outliers)
		}
	}
	b := findOutlier(r, inspect.FindingOutputBuffer, slowID)
	if b.Application != slowName || b.OutputBufferBytes < inspect.DefaultOutputBufferWarn {
		t.Errorf("output-buffer outlier = %+v, want %s with at least 1 MiB", b, slowName)
	}
	want := map[string]string{
		inspect.FindingIdleOutlier:  "client id " + id + " (" + pool,
		inspect.FindingOutputBuffer: "client id " + slowID + " (" + slowName,
	}
	for code, sub := range want {
		f := findFinding(r, code)
		if f == nil || !strings.Contains(f.Message, sub) || !strings.Contains(f.Fix, "CLIENT KILL ID") {
			t.Errorf("%s finding = %+v, want it to name %q", code, f, sub)
		}
	}
	if len(r.Outliers) != 2 {
		t.Errorf("outliers = %+v, want exactly the two set up", r.Outliers)
	}
}
