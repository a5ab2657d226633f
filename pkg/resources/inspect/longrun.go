package inspect

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

// Finding codes of the checks SREs run by hand.
const (
	// FindingLongTransaction: PostgreSQL transactions open longer than
	// Options.LongTransaction (idle-in-transaction ones are leaks instead).
	FindingLongTransaction = "long_transaction"
	// FindingLongQuery: PostgreSQL statements running longer than
	// Options.LongQuery.
	FindingLongQuery = "long_query"
	// FindingConnectionShare: one application, user or client address holds
	// at least Options.ShareWarn of the usable connection slots.
	FindingConnectionShare = "connection_share"
)

// maxLongRunning caps the sessions listed in Result.LongRunning.
const maxLongRunning = 20

// LongSession is a PostgreSQL session whose transaction or statement runs
// longer than its threshold.
type LongSession struct {
	PID          int     `json:"pid"`
	Application  string  `json:"application"`
	User         string  `json:"user,omitempty"`
	Client       string  `json:"client"`
	State        string  `json:"state"`
	XactSeconds  float64 `json:"xact_seconds"`  // -1: no open transaction
	QuerySeconds float64 `json:"query_seconds"` // -1: not running a statement
	Query        string  `json:"query"`         // literals masked, truncated
	LongXact     bool    `json:"long_transaction"`
	LongQuery    bool    `json:"long_query"`
}

// Holder is the biggest holder of connection slots along one dimension.
type Holder struct {
	By    string  `json:"by"` // application | user | client
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"` // Count / usable slots (max − reserved), 0–1
}

// longRunning classifies a non-leaking PostgreSQL session; ok is false when
// neither threshold is passed.
func (o Options) longRunning(s session, pid int) (LongSession, bool) {
	idleInXact := s.state == "idle in transaction" || s.state == "idle in transaction (aborted)"
	ls := LongSession{
		PID: pid, Application: s.app, User: s.user, Client: s.addr, State: s.state,
		XactSeconds: -1, QuerySeconds: -1, Query: truncate(redactSQL(s.query, s.pgIdents), o.QueryMax),
	}
	if s.xact >= 0 {
		ls.XactSeconds = s.xact.Seconds()
		ls.LongXact = !idleInXact && s.xact > o.LongTransaction
	}
	if s.state == "active" && s.running >= 0 {
		ls.QuerySeconds = s.running.Seconds()
		ls.LongQuery = s.running > o.LongQuery
	}
	return ls, ls.LongXact || ls.LongQuery
}

// longFindings sorts the long sessions (oldest transaction first), caps them
// and adds one finding per check.
func (o Options) longFindings(r *Result, ls []LongSession) {
	slices.SortFunc(ls, func(a, b LongSession) int {
		return cmp.Or(cmp.Compare(max(b.XactSeconds, b.QuerySeconds), max(a.XactSeconds, a.QuerySeconds)), cmp.Compare(a.PID, b.PID))
	})
	var xacts, queries []LongSession
	for _, s := range ls {
		if s.LongXact {
			xacts = append(xacts, s)
		}
		if s.LongQuery {
			queries = append(queries, s)
		}
	}
	if len(xacts) > 0 {
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingLongTransaction,
			Message: fmt.Sprintf("%d transactions open longer than %s; the oldest: %s for %s",
				len(xacts), fmtDur(o.LongTransaction), longName(xacts[0]), fmtDur(secsDur(xacts[0].XactSeconds))),
			Fix: fmt.Sprintf("a long transaction holds back VACUUM and keeps its locks: commit in smaller batches, or end it with SELECT pg_cancel_backend(%d);", xacts[0].PID),
		})
	}
	if len(queries) > 0 {
		slices.SortStableFunc(queries, func(a, b LongSession) int { return cmp.Compare(b.QuerySeconds, a.QuerySeconds) })
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingLongQuery,
			Message: fmt.Sprintf("%d statements running longer than %s; the longest: %s for %s",
				len(queries), fmtDur(o.LongQuery), longName(queries[0]), fmtDur(secsDur(queries[0].QuerySeconds))),
			Fix: fmt.Sprintf("EXPLAIN the statement, or cancel it with SELECT pg_cancel_backend(%d); a statement_timeout bounds them", queries[0].PID),
		})
	}
	if len(ls) > maxLongRunning {
		ls = ls[:maxLongRunning]
	}
	r.LongRunning = ls
}

func longName(s LongSession) string {
	app := s.Application
	if app == "" {
		app = "(no name)"
	}
	return fmt.Sprintf("pid %d (%s, user %s, %s)", s.PID, app, s.User, s.State)
}

func secsDur(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// holders finds, per dimension, the biggest holder of the usable slots among
// the sessions (resync's own left out) and adds a finding for each holding
// at least ShareWarn of them.
func (o Options) holders(r *Result, sessions []session) {
	c := r.Capacity
	if c == nil || c.Max-c.Reserved <= 0 {
		return
	}
	usable := c.Max - c.Reserved
	dims := []struct {
		by  string
		key func(session) string
	}{
		{"application", func(s session) string { return s.app }},
		{"user", func(s session) string { return s.user }},
		{"client", func(s session) string { return s.client }},
	}
	for _, d := range dims {
		counts := map[string]int{}
		for _, s := range sessions {
			if !s.own {
				counts[d.key(s)]++
			}
		}
		var top Holder
		found := false
		for name, n := range counts {
			if !found || n > top.Count || n == top.Count && name < top.Name {
				top, found = Holder{By: d.by, Name: name, Count: n}, true
			}
		}
		if !found {
			continue
		}
		top.Share = float64(top.Count) / float64(usable)
		r.Holders = append(r.Holders, top)
		if top.Share >= o.ShareWarn && top.Count >= 2 {
			name := top.Name
			if name == "" {
				name = "(no name)"
			}
			r.Findings = append(r.Findings, Finding{
				Severity: resources.SeverityWarning, Code: FindingConnectionShare,
				Message: fmt.Sprintf("%s %s holds %d of %d usable connection slots (%.0f%%)", top.By, name, top.Count, usable, 100*top.Share),
				Fix:     "cap that client's pool (maximum size) so one client cannot starve the others of connections",
			})
		}
	}
}
