package inspect_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/internal/testenv"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// TestPostgresBlockingChain builds a real chain on the test PostgreSQL: a
// holder idle in a transaction that updated a row, one session waiting on
// that row and a second waiting on the first's lock (it locks the row too,
// so it queues behind both). The inspection names the holder as the head.
func TestPostgresBlockingChain(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	ctx := context.Background()
	table := uniqueName("resync_block_")
	admin, _ := pgConnect(t, pgURL, uniqueName("blockadmin-"))
	ident := pgx.Identifier{table}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE TABLE "+ident+" (id int PRIMARY KEY, v int); INSERT INTO "+ident+" VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP TABLE IF EXISTS "+ident) }) //nolint:errcheck

	headApp := uniqueName("blockhead-")
	holder, headPID := pgConnect(t, pgURL, headApp)
	if _, err := holder.Exec(ctx, "BEGIN; UPDATE "+ident+" SET v = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	// The holder's rollback is registered after the waiters' cleanups, so it
	// runs first and frees them.
	var waiterPIDs []int
	done := make(chan error, 2)
	for range 2 {
		w, pid := pgConnect(t, pgURL, uniqueName("blockwait-"))
		waiterPIDs = append(waiterPIDs, pid)
		go func() {
			_, err := w.Exec(ctx, "UPDATE "+ident+" SET v = v + 1 WHERE id = 1")
			done <- err
		}()
	}
	t.Cleanup(func() {
		holder.Exec(context.Background(), "ROLLBACK") //nolint:errcheck
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("waiter: %v", err)
			}
		}
	})
	slices.Sort(waiterPIDs)

	run := func(ctx context.Context) (*inspect.Result, error) {
		return inspect.Postgres(ctx, pgURL, inspect.Options{Name: "database", MaxLifetime: time.Hour})
	}
	find := func(r *inspect.Result) *inspect.BlockChain {
		for i := range r.Blocking {
			if r.Blocking[i].HeadPID == headPID {
				return &r.Blocking[i]
			}
		}
		return nil
	}
	r := eventually(t, "blocking chain", run, func(r *inspect.Result) bool {
		c := find(r)
		return c != nil && len(c.Blocked) == 2
	})
	c := find(r)
	if !slices.Equal(c.Blocked, waiterPIDs) {
		t.Errorf("blocked = %v, want %v", c.Blocked, waiterPIDs)
	}
	if c.HeadApplication != headApp || c.HeadState != "idle in transaction" || c.HeadXactSeconds < 0 {
		t.Errorf("head = %+v, want %s idle in transaction with a transaction age", c, headApp)
	}
	for _, pid := range waiterPIDs {
		for _, other := range r.Blocking {
			if other.HeadPID == pid {
				t.Errorf("waiter %d reported as a head", pid)
			}
		}
	}
	var f *inspect.Finding
	for i := range r.Findings {
		if r.Findings[i].Code == inspect.FindingBlocking && r.Findings[i].Message != "" && c.HeadPID == headPID {
			f = &r.Findings[i]
		}
	}
	if f == nil || f.Severity != resources.SeverityWarning {
		t.Errorf("finding = %+v, want a warning blocking_chain (waits are under the 1h threshold)", f)
	}
}
