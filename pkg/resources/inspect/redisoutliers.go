package inspect

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/resources"
)

// Redis finding codes for clients that stand out of their group.
const (
	// FindingOutputBuffer: a client with at least Options.OutputBufferWarn
	// bytes of replies waiting in its output buffer (CLIENT LIST omem).
	FindingOutputBuffer = "output_buffer"
	// FindingIdleOutlier: a client idle longer than MaxLifetime in a group
	// (same name, user and host) of at least minOutlierGroup clients whose
	// median idle time is below MaxLifetime: one forgotten connection in
	// a pool that otherwise works.
	FindingIdleOutlier = "idle_outlier"
)

// DefaultOutputBufferWarn is the output buffer size (bytes) that makes a
// Redis client an outlier.
const DefaultOutputBufferWarn = 1 << 20

// minOutlierGroup is the smallest group whose median idle time means
// something.
const minOutlierGroup = 3

// Outlier is a Redis client that stands out of its group: idle far longer
// than its peers, or with a large output buffer.
type Outlier struct {
	ClientID          string  `json:"client_id"`
	Application       string  `json:"application"` // CLIENT SETNAME
	Client            string  `json:"client"`      // address as the server shows it
	Reason            string  `json:"reason"`      // idle_outlier | output_buffer
	IdleSeconds       float64 `json:"idle_seconds"`
	GroupMedianIdle   float64 `json:"group_median_idle_seconds"`
	GroupSize         int     `json:"group_size"`
	OutputBufferBytes int64   `json:"output_buffer_bytes"`
}

// redisClient is one CLIENT LIST entry as the outlier checks need it.
type redisClient struct {
	s    session
	omem int64
}

// redisOutliers finds the idle and output-buffer outliers among clients
// (resync's own left out) and adds one finding per reason.
func (o Options) redisOutliers(r *Result, clients []redisClient) {
	groups := map[string][]redisClient{}
	for _, c := range clients {
		if c.s.own {
			continue
		}
		k := Group{Application: c.s.app, User: c.s.user, Client: c.s.client}.Key()
		groups[k] = append(groups[k], c)
	}
	var out []Outlier
	for _, g := range groups {
		idles := make([]time.Duration, 0, len(g))
		for _, c := range g {
			if c.s.canIdle {
				idles = append(idles, c.s.idle)
			}
		}
		slices.Sort(idles)
		median := time.Duration(-1)
		if len(idles) >= minOutlierGroup {
			median = idles[(len(idles)-1)/2]
		}
		for _, c := range g {
			base := Outlier{
				ClientID: c.s.id, Application: c.s.app, Client: c.s.addr,
				IdleSeconds: c.s.idle.Seconds(), GroupMedianIdle: max(median, 0).Seconds(), GroupSize: len(g),
				OutputBufferBytes: c.omem,
			}
			if median >= 0 && median < o.MaxLifetime && c.s.canIdle && c.s.idle > o.MaxLifetime {
				base.Reason = FindingIdleOutlier
				out = append(out, base)
			}
			if c.omem >= o.OutputBufferWarn {
				base.Reason = FindingOutputBuffer
				out = append(out, base)
			}
		}
	}
	slices.SortFunc(out, func(a, b Outlier) int {
		return cmp.Or(cmp.Compare(a.Reason, b.Reason), cmp.Compare(b.OutputBufferBytes, a.OutputBufferBytes),
			cmp.Compare(b.IdleSeconds, a.IdleSeconds), cmp.Compare(a.ClientID, b.ClientID))
	})
	r.Outliers = out
	var idle, buf []Outlier
	for _, x := range out {
		if x.Reason == FindingIdleOutlier {
			idle = append(idle, x)
		} else {
			buf = append(buf, x)
		}
	}
	if len(idle) > 0 {
		x := idle[0]
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingIdleOutlier,
			Message: fmt.Sprintf("%d clients idle longer than %s while their group's median is shorter; the longest: client id %s (%s, %s) idle %s, its %d peers' median %s",
				len(idle), fmtDur(o.MaxLifetime), x.ClientID, nameOr(x.Application), x.Client,
				fmtDur(secsDur(x.IdleSeconds)), x.GroupSize, fmtDur(secsDur(x.GroupMedianIdle))),
			Fix: fmt.Sprintf("look for a connection the application took from its pool and never returned; CLIENT KILL ID %s closes it, the server's timeout setting closes idle clients", x.ClientID),
		})
	}
	if len(buf) > 0 {
		x := buf[0]
		r.Findings = append(r.Findings, Finding{
			Severity: resources.SeverityWarning, Code: FindingOutputBuffer,
			Message: fmt.Sprintf("%d clients with at least %s of replies waiting in their output buffer; the largest: client id %s (%s, %s) with %s",
				len(buf), output.Bytes(o.OutputBufferWarn), x.ClientID, nameOr(x.Application), x.Client, output.Bytes(x.OutputBufferBytes)),
			Fix: "the client reads its replies slower than it asks (a lagging subscriber, a huge pipeline or a big MGET/HGETALL): fix the client, bound it with client-output-buffer-limit, or CLIENT KILL ID " + x.ClientID,
		})
	}
}

func nameOr(app string) string {
	if app == "" {
		return "(no name)"
	}
	return app
}
