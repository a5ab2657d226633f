package inspect_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

func findLong(r *inspect.Result, pid int) *inspect.LongSession {
	for i, s := range r.LongRunning {
		if s.PID == pid {
			return &r.LongRunning[i]
		}
	}
	return nil
}

func findFinding(r *inspect.Result, code string) *inspect.Finding {
	for i, f := range r.Findings {
		if f.Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

// One session runs a long statement (a long transaction too, in autocommit);
// another keeps a transaction open with short statements: a long transaction
// and no long query.
func TestPostgresLongTransactionAndQuery(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	slowApp, xactApp := uniqueName("slowquery-"), uniqueName("longxact-")
	slow, slowPID := pgConnect(t, pgURL, slowApp)
	batch, batchPID := pgConnect(t, pgURL, xactApp)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	wg.Add(2)
	go func() {
		defer wg.Done()
		slow.Exec(ctx, "SELECT pg_sleep(120) /* long statement */") //nolint:errcheck // cancelled at the end
	}()
	if _, err := batch.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := batch.Exec(ctx, "SELECT pg_sleep(0.2)"); err != nil {
				return
			}
		}
	}()

	const threshold = 2 * time.Second
	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Postgres(ctx, pgURL, inspect.Options{MaxLifetime: time.Hour, LongTransaction: threshold, LongQuery: threshold})
	}
	r := eventually(t, "a long statement and a long transaction", run, func(r *inspect.Result) bool {
		s, b := findLong(r, slowPID), findLong(r, batchPID)
		return s != nil && s.LongQuery && b != nil && b.LongXact && b.State == "active"
	})
	s, b := findLong(r, slowPID), findLong(r, batchPID)
	if s.Application != slowApp || !s.LongXact || s.QuerySeconds <= threshold.Seconds() || s.State != "active" ||
		!strings.Contains(s.Query, "pg_sleep") {
		t.Errorf("slow statement = %+v, want a long query and transaction of %s", s, slowApp)
	}
	if b.Application != xactApp || b.LongQuery || b.XactSeconds <= threshold.Seconds() || b.QuerySeconds >= threshold.Seconds() {
		t.Errorf("open transaction = %+v, want a long transaction with short statements", b)
	}
	fx, fq := findFinding(r, inspect.FindingLongTransaction), findFinding(r, inspect.FindingLongQuery)
	if fx == nil || !strings.Contains(fx.Message, "longer than 2s") || !strings.Contains(fx.Fix, "pg_cancel_backend(") {
		t.Errorf("long_transaction finding = %+v", fx)
	}
	if fq == nil || !strings.Contains(fq.Message, "statements running longer than 2s") {
		t.Errorf("long_query finding = %+v", fq)
	}
	for _, l := range r.Leaks {
		if l.ID == strconv.Itoa(batchPID) || l.ID == strconv.Itoa(slowPID) {
			t.Errorf("a working session is not a leak: %+v", l)
		}
	}
}

// Connections of one application against the usable slots: the top holder
// per dimension, and a finding past the share threshold.
func TestPostgresConnectionShare(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	app := uniqueName("hog-")
	const n = 6
	for range n {
		pgConnect(t, pgURL, app)
	}
	r, err := inspect.Postgres(context.Background(), pgURL, inspect.Options{MaxLifetime: time.Hour, ShareWarn: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	usable := r.Capacity.Max - r.Capacity.Reserved
	byDim := map[string]inspect.Holder{}
	for _, h := range r.Holders {
		byDim[h.By] = h
	}
	for _, by := range []string{"application", "user", "client"} {
		h, ok := byDim[by]
		if !ok {
			t.Fatalf("no top holder by %s: %+v", by, r.Holders)
		}
		if h.Count < n || h.Share != float64(h.Count)/float64(usable) {
			t.Errorf("top holder by %s = %+v, want at least %d connections, share of %d usable", by, h, n, usable)
		}
	}
	// Another test may hold more connections under one name; the finding
	// names whichever application holds most.
	top := byDim["application"]
	want := "application " + top.Name + " holds " + strconv.Itoa(top.Count) + " of " + strconv.Itoa(usable)
	found := false
	for _, f := range r.Findings {
		found = found || f.Code == inspect.FindingConnectionShare && strings.HasPrefix(f.Message, want)
	}
	if !found {
		t.Errorf("findings = %+v, want %q", r.Findings, want)
	}
	if top.Name == app && top.Count != n {
		t.Errorf("top application %s holds %d, want %d", app, top.Count, n)
	}
}
