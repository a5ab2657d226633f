package inspect

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
	"github.com/resync-dev/resync/pkg/target"
)

// session is one server connection, in a shape common to every engine.
type session struct {
	id     string
	app    string
	user   string
	client string // host without port
	addr   string // as the server shows it
	db     string
	state  string
	query  string
	// pgIdents: "…" in query are identifiers (PostgreSQL), not strings.
	pgIdents bool
	age      time.Duration // < 0: the server does not say
	idle     time.Duration // < 0: unknown
	xact     time.Duration // < 0: no open transaction
	running  time.Duration // since the current statement started; < 0: unknown
	own      bool          // labelled as resync's
	canIdle  bool          // may count as idle (not blocked, not a subscriber)
	long     bool          // long-lived by the engine's rule
	note     string
	extra    map[string]string // engine-specific evidence for a leak
}

// newResult starts a result for a target.
func newResult(o Options, kind, rawURL string) *Result {
	return &Result{
		Name: o.Name, Kind: kind, URL: redact.URL(rawURL),
		SampledAt: o.Now(), MaxLifetime: o.MaxLifetime, Threshold: o.MaxLifetime.Seconds(),
		Leaks: []resources.Leak{}, LongLived: []Group{}, Own: []Group{}, Clients: []Group{}, Findings: []Finding{},
	}
}

// unreachable marks a result whose target could not be inspected.
func unreachable(r *Result, err error) *Result {
	msg := dedupeLines(redact.Text(err.Error()))
	r.Reachable = false
	r.Error = msg
	r.Findings = append(r.Findings, Finding{
		Severity: resources.SeverityCritical, Code: FindingUnreachable,
		Message: "not inspected: " + msg,
		Fix:     "check that the server is up and the URL, user and password are right; the other targets were still inspected",
	})
	r.Severity = resources.SeverityCritical
	return r
}

// connectFailed marks a result whose target refused the connection or the
// login: the error says what happened (pools.Unreachable: refused, timed
// out, authentication failed for user U, database D does not exist), in the
// same words every command uses, with the driver's message once.
func connectFailed(r *Result, rawURL string, err error) (*Result, error) {
	err = fmt.Errorf("connect to %s: %w", r.URL, pools.Unreachable(err, target.Target{URL: rawURL}, 0))
	return unreachable(r, err), err
}

// dedupeLines drops repeated lines: drivers that try an address twice
// (pgx with sslmode=prefer) report the same failure twice.
func dedupeLines(s string) string {
	lines := strings.Split(s, "\n")
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// splitHost returns the host part of "host:port" (or the input).
func splitHost(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// leakFor builds a server-side leak from a session.
func (o Options) leakFor(s session, kind string, sev resources.Severity, life time.Duration) resources.Leak {
	ev := map[string]string{
		"client": s.addr,
		"user":   s.user,
	}
	put := func(k, v string) {
		if v != "" {
			ev[k] = v
		}
	}
	put("application", s.app)
	put("state", s.state)
	put("database", s.db)
	put("query", truncate(redactSQL(s.query, s.pgIdents), o.QueryMax))
	if s.age >= 0 {
		ev["age"] = fmtDur(s.age)
	}
	if s.idle >= 0 {
		ev["idle"] = fmtDur(s.idle)
	}
	if s.xact >= 0 {
		ev["xact_age"] = fmtDur(s.xact)
	}
	if s.own {
		ev["own"] = "true"
	}
	for k, v := range s.extra {
		ev[k] = v
	}
	owner := s.app
	if owner == "" {
		owner = s.user
	}
	return resources.Leak{
		Source: o.Name, Kind: kind, ID: s.id, Owner: owner,
		Created: o.Now().Add(-life), Lifetime: life, Seconds: life.Seconds(),
		Severity: sev, Evidence: ev,
	}
}

// finish groups the sessions into Clients, LongLived and Own, applies the
// idle-group rule and sets the result's severity.
func (o Options) finish(r *Result, sessions []session) {
	r.Connections = len(sessions)
	var others, long, own []session
	for _, s := range sessions {
		switch {
		case s.own:
			own = append(own, s)
		default:
			others = append(others, s)
			if s.long {
				long = append(long, s)
			}
		}
	}
	r.Clients = o.group(others)
	r.LongLived = o.group(long)
	r.Own = o.group(own)
	for i := range r.Own {
		r.Own[i].Own = true
	}
	for _, g := range r.Clients {
		if g.Severity == resources.SeverityWarning {
			r.Findings = append(r.Findings, Finding{
				Severity: resources.SeverityWarning, Code: FindingGroupIdle,
				Message: fmt.Sprintf("%d connections of %s have been idle longer than %s", g.IdleOver, groupName(g), fmtDur(o.MaxLifetime)),
				Fix:     "lower the client pool's idle connections (minimum size, idle timeout), or look for connections opened and never closed",
			})
		}
	}
	if c := r.Capacity; c != nil && c.Max > 0 {
		usable := c.Max - c.Reserved
		if usable > 0 {
			c.Ratio = float64(c.Used) / float64(usable)
		}
		c.Available = usable - c.Used
		o.holders(r, sessions)
		if c.Ratio >= 0.8 {
			sev := resources.SeverityWarning
			if c.Ratio >= 0.95 {
				sev = resources.SeverityCritical
			}
			r.Findings = append(r.Findings, Finding{
				Severity: sev, Code: FindingCapacity,
				Message: fmt.Sprintf("%d of %d usable connection slots in use (%.0f%%)", c.Used, usable, 100*c.Ratio),
				Fix:     "shrink the client pools or raise the server's connection limit",
			})
		}
	}
	slices.SortStableFunc(r.Leaks, func(a, b resources.Leak) int {
		if c := cmp.Compare(rank(b.Severity), rank(a.Severity)); c != 0 {
			return c
		}
		return cmp.Compare(b.Lifetime, a.Lifetime)
	})
	r.Severity = worst(r)
}

func (o Options) group(ss []session) []Group {
	idx := map[string]int{}
	var out []Group
	for _, s := range ss {
		g := Group{Application: s.app, User: s.user, Client: s.client}
		i, ok := idx[g.Key()]
		if !ok {
			i = len(out)
			idx[g.Key()] = i
			g.States = map[string]int{}
			g.OldestSeconds = -1
			g.Severity = resources.SeverityInfo
			out = append(out, g)
		}
		p := &out[i]
		p.Count++
		if s.state != "" {
			p.States[s.state]++
		}
		if s.age >= 0 && s.age.Seconds() > p.OldestSeconds {
			p.OldestSeconds = s.age.Seconds()
		}
		if s.idle >= 0 && s.canIdle {
			p.MaxIdleSeconds = max(p.MaxIdleSeconds, s.idle.Seconds())
			if s.idle > o.MaxLifetime {
				p.IdleOver++
			}
		}
		if s.note != "" && !strings.Contains(p.Note, s.note) {
			p.Note = strings.TrimPrefix(p.Note+", "+s.note, ", ")
		}
	}
	for i := range out {
		if out[i].IdleOver >= o.WarnGroupSize {
			out[i].Severity = resources.SeverityWarning
		}
		if len(out[i].States) == 0 {
			out[i].States = nil
		}
	}
	slices.SortFunc(out, func(a, b Group) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Key(), b.Key())
	})
	return out
}

func groupName(g Group) string {
	app := g.Application
	if app == "" {
		app = "(no name)"
	}
	return fmt.Sprintf("%s (user %s, from %s)", app, g.User, g.Client)
}

func rank(s resources.Severity) int {
	switch s {
	case resources.SeverityCritical:
		return 3
	case resources.SeverityWarning:
		return 2
	case resources.SeverityInfo:
		return 1
	}
	return 0
}

func worst(r *Result) resources.Severity {
	w := resources.SeverityInfo
	bump := func(s resources.Severity) {
		if rank(s) > rank(w) {
			w = s
		}
	}
	for _, l := range r.Leaks {
		if !l.Resolved {
			bump(l.Severity)
		}
	}
	for _, f := range r.Findings {
		bump(f.Severity)
	}
	for _, g := range r.LongLived {
		bump(g.Severity)
	}
	return w
}

// truncate shortens s to n characters (runes), marking the cut, and folds
// whitespace so a query fits on one line.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// fmtDur prints a duration for people: whole seconds from 10s up, tenths
// below.
func fmtDur(d time.Duration) string {
	if d >= 10*time.Second {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// secs converts server-side seconds (possibly fractional) to a duration;
// nil (NULL) gives -1.
func secs(p *float64) time.Duration {
	if p == nil {
		return -1
	}
	return time.Duration(*p * float64(time.Second))
}
