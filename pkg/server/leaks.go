package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
)

// MaxConcurrentScans bounds the leak scans running at once (each queries
// the live servers); requests for the same threshold share one scan.
const MaxConcurrentScans = 2

// LeaksBody is the body of /resources/leaks: the potential leaks found by a
// fresh scan with the requested threshold, in the report's form, and which
// targets' server sessions were inspected. A target the scan could not
// inspect is listed in not_inspected with the reason (redacted) — the
// answer is still 200, but its leaks are unknown, not absent: the API's
// form of "resync leaks" calling it unreachable (exit 3 with
// --fail-on-leaks).
type LeaksBody struct {
	MaxLifetimeSeconds float64               `json:"max_lifetime_seconds"`
	PotentialLeaks     []report.Leak         `json:"potential_leaks"` // most severe, then oldest, first
	LeaksBySeverity    map[string]int        `json:"leaks_by_severity"`
	InspectedTargets   []string              `json:"inspected_targets"` // target order; [] for none
	NotInspected       []report.NotInspected `json:"not_inspected"`     // target order; [] for none
}

func (s *Server) serveLeaks(w http.ResponseWriter, r *http.Request, q url.Values) {
	threshold := s.opts.MaxLifetime
	if vs, ok := q[ParamMaxLifetimeSeconds]; ok {
		d, err := parseMaxLifetime(vs[0])
		if err != nil {
			writeParamError(w, ParamMaxLifetimeSeconds, err.Error())
			return
		}
		threshold = d
	}
	scan, err := s.scans.do(r.Context(), threshold, func() (report.LeakScan, error) {
		ctx, cancel := context.WithTimeout(s.base, s.opts.LeakTimeout)
		defer cancel()
		return s.opts.Leaks(ctx, threshold)
	})
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("leak scan timed out after %v: a target is slow to answer; retry later", s.opts.LeakTimeout))
		return
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "leak scan cancelled: the server is shutting down or the request was abandoned")
		return
	default:
		writeError(w, http.StatusInternalServerError, "leak scan failed: "+redact.Text(err.Error()))
		return
	}
	body := LeaksBody{
		MaxLifetimeSeconds: threshold.Seconds(),
		PotentialLeaks:     report.LeaksFrom(scan.Leaks),
		LeaksBySeverity: map[string]int{
			report.SeverityCritical: 0, report.SeverityWarning: 0, report.SeverityInfo: 0,
		},
		InspectedTargets: append([]string{}, scan.Inspected...),
		NotInspected:     make([]report.NotInspected, 0, len(scan.NotInspected)),
	}
	for _, n := range scan.NotInspected { // redacted by the scan; once more, as every API body is
		n.URL, n.Reason = redact.URL(n.URL), redact.Text(n.Reason)
		body.NotInspected = append(body.NotInspected, n)
	}
	for _, l := range body.PotentialLeaks {
		body.LeaksBySeverity[l.Severity]++
	}
	writeJSON(w, http.StatusOK, body)
}

// parseMaxLifetime reads max_lifetime_seconds: a number of seconds greater
// than zero and at most MaxLifetimeLimit; fractions are allowed.
func parseMaxLifetime(v string) (time.Duration, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%s must be a number of seconds, such as 3600; got %q", ParamMaxLifetimeSeconds, clip(v))
	}
	if f <= 0 {
		return 0, fmt.Errorf("%s must be greater than 0 (a resource alive longer than this many seconds is a potential leak); got %s",
			ParamMaxLifetimeSeconds, clip(v))
	}
	if f > MaxLifetimeLimit {
		return 0, fmt.Errorf("%s must be at most %.0f; got %s", ParamMaxLifetimeSeconds, MaxLifetimeLimit, clip(v))
	}
	d := time.Duration(f * float64(time.Second))
	if d <= 0 {
		return 0, fmt.Errorf("%s must be at least one nanosecond; got %s", ParamMaxLifetimeSeconds, clip(v))
	}
	return d, nil
}

// scanGroup runs at most a few leak scans at once and lets requests for the
// same threshold share the one in flight. The first caller runs the scan in
// its own goroutine (no goroutine is started here); later callers wait for
// it or for their own context.
type scanGroup struct {
	mu      sync.Mutex
	flying  map[time.Duration]*scan
	slots   chan struct{}
	joiners int // callers waiting on another's scan
}

type scan struct {
	done chan struct{}
	res  report.LeakScan
	err  error
}

func newScanGroup(n int) *scanGroup {
	return &scanGroup{flying: make(map[time.Duration]*scan), slots: make(chan struct{}, n)}
}

func (g *scanGroup) do(ctx context.Context, key time.Duration, fn func() (report.LeakScan, error)) (report.LeakScan, error) {
	g.mu.Lock()
	if sc, ok := g.flying[key]; ok {
		g.joiners++
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			g.joiners--
			g.mu.Unlock()
		}()
		select {
		case <-sc.done:
			return sc.res, sc.err
		case <-ctx.Done():
			return report.LeakScan{}, ctx.Err()
		}
	}
	sc := &scan{done: make(chan struct{})}
	g.flying[key] = sc
	g.mu.Unlock()

	defer func() {
		g.mu.Lock()
		delete(g.flying, key)
		g.mu.Unlock()
		close(sc.done)
	}()
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
	case <-ctx.Done():
		sc.err = ctx.Err()
		return report.LeakScan{}, sc.err
	}
	sc.res, sc.err = fn()
	return sc.res, sc.err
}

// waiting is how many callers are waiting on a scan another one started.
func (g *scanGroup) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.joiners
}
