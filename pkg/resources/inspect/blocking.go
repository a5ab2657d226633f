package inspect

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/internal/output"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
)

// FindingBlocking is a PostgreSQL session that holds locks others wait for.
const FindingBlocking = "blocking_chain"

// BlockChain is one head blocker and every session waiting behind it,
// directly or through another waiting session.
type BlockChain struct {
	HeadPID         int     `json:"head_pid"`
	HeadApplication string  `json:"head_application"`
	HeadUser        string  `json:"head_user,omitempty"`
	HeadState       string  `json:"head_state"`        // e.g. "idle in transaction"
	HeadXactSeconds float64 `json:"head_xact_seconds"` // -1 when unknown
	Blocked         []int   `json:"blocked_pids"`      // sorted
	// MaxWaitSeconds is the longest a blocked session has been waiting
	// (since its query started).
	MaxWaitSeconds float64 `json:"max_wait_seconds"`
}

// pgBlockedSQL lists each waiting session with the sessions it waits for:
// one pg_blocking_pids call per waiting backend only (the filter reads
// wait_event_type first, so idle sessions cost nothing).
const pgBlockedSQL = `
SELECT pid, pg_blocking_pids(pid),
       coalesce(extract(epoch FROM now() - query_start)::float8, -1)
FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`

// pgBlocking reads the waiting sessions and folds them into chains headed by
// sessions that wait for nobody; byPID describes the sessions already read.
func pgBlocking(ctx context.Context, conn *pgx.Conn, byPID map[int]session) ([]BlockChain, error) {
	rows, err := conn.Query(ctx, pgBlockedSQL)
	if err != nil {
		return nil, err
	}
	waitsFor := map[int][]int{}
	waited := map[int]float64{}
	for rows.Next() {
		var pid int
		var blockers []int32
		var wait float64
		if err := rows.Scan(&pid, &blockers, &wait); err != nil {
			rows.Close()
			return nil, err
		}
		for _, b := range blockers {
			waitsFor[pid] = append(waitsFor[pid], int(b))
		}
		waited[pid] = wait
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return chains(waitsFor, waited, byPID), nil
}

// chains finds the heads (blockers that wait for nobody) and, for each, the
// sessions that reach it through waits-for edges. A cycle without a head
// (a deadlock the server has not broken yet) yields no chain.
func chains(waitsFor map[int][]int, waited map[int]float64, byPID map[int]session) []BlockChain {
	heads := map[int]map[int]bool{}
	for pid := range waitsFor {
		seen := map[int]bool{pid: true}
		stack := []int{pid}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, b := range waitsFor[p] {
				if seen[b] {
					continue
				}
				seen[b] = true
				if len(waitsFor[b]) == 0 {
					if heads[b] == nil {
						heads[b] = map[int]bool{}
					}
					heads[b][pid] = true
				} else {
					stack = append(stack, b)
				}
			}
		}
	}
	out := make([]BlockChain, 0, len(heads))
	for head, blocked := range heads {
		c := BlockChain{HeadPID: head, HeadXactSeconds: -1}
		if s, ok := byPID[head]; ok {
			c.HeadApplication, c.HeadUser, c.HeadState = s.app, s.user, s.state
			if s.xact >= 0 {
				c.HeadXactSeconds = s.xact.Seconds()
			}
		}
		for pid := range blocked {
			c.Blocked = append(c.Blocked, pid)
			c.MaxWaitSeconds = max(c.MaxWaitSeconds, waited[pid])
		}
		slices.Sort(c.Blocked)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b BlockChain) int {
		if d := len(b.Blocked) - len(a.Blocked); d != 0 {
			return d
		}
		return a.HeadPID - b.HeadPID
	})
	return out
}

// blockingFinding says who blocks whom and for how long; critical once a
// session has waited longer than the lifetime threshold.
func blockingFinding(c BlockChain, o Options) Finding {
	sev := resources.SeverityWarning
	if c.MaxWaitSeconds > o.MaxLifetime.Seconds() {
		sev = resources.SeverityCritical
	}
	app := c.HeadApplication
	if app == "" {
		app = "(no application_name)"
	}
	return Finding{
		Severity: sev, Code: FindingBlocking,
		Message: redact.Text(fmt.Sprintf("pid %d (%s, %s) blocks %d session%s, the longest waiting %.0fs",
			c.HeadPID, app, c.HeadState, len(c.Blocked), output.Plural(len(c.Blocked)), c.MaxWaitSeconds)),
		Fix: "end the head's transaction in the application, or SELECT pg_terminate_backend(" + strconv.Itoa(c.HeadPID) + ");",
	}
}
