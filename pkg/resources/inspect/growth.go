package inspect

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

// MinGrowthSamples is the fewest samples Growing judges.
const MinGrowthSamples = 3

// Growing reports whether connection counts taken at successive samples
// keep growing: at least MinGrowthSamples samples, never a decrease, a last
// count above the first, and a rise in at least half of the intervals. A
// pool warming up to its size also grows; run the watch again once the
// application is warm.
func Growing(counts []int) bool {
	if len(counts) < MinGrowthSamples {
		return false
	}
	rises := 0
	for i := 1; i < len(counts); i++ {
		switch {
		case counts[i] < counts[i-1]:
			return false
		case counts[i] > counts[i-1]:
			rises++
		}
	}
	intervals := len(counts) - 1
	return counts[len(counts)-1] > counts[0] && 2*rises >= intervals
}

// DetectGrowth compares successive results of one target (oldest first)
// and returns a warning leak for each client group whose connection count
// is Growing. A group absent from a sample counts 0 there; resync's own
// connections are left out.
func DetectGrowth(samples []*Result) []resources.Leak {
	var ok []*Result
	for _, s := range samples {
		if s != nil && s.Reachable {
			ok = append(ok, s)
		}
	}
	if len(ok) < MinGrowthSamples {
		return nil
	}
	groups := map[string]Group{}
	var order []string
	for _, s := range ok {
		for _, g := range s.Clients {
			if _, seen := groups[g.Key()]; !seen {
				order = append(order, g.Key())
			}
			groups[g.Key()] = g
		}
	}
	first, last := ok[0], ok[len(ok)-1]
	window := last.SampledAt.Sub(first.SampledAt)
	var leaks []resources.Leak
	for _, key := range order {
		counts := make([]int, len(ok))
		for i, s := range ok {
			for _, g := range s.Clients {
				if g.Key() == key {
					counts[i] = g.Count
				}
			}
		}
		if !Growing(counts) {
			continue
		}
		g := groups[key]
		owner := g.Application
		if owner == "" {
			owner = g.User
		}
		leaks = append(leaks, resources.Leak{
			Source: last.Name, Kind: LeakGrowingConnections, ID: groupName(g), Owner: owner,
			Created: first.SampledAt, Lifetime: window, Seconds: window.Seconds(),
			Severity: resources.SeverityWarning,
			Evidence: map[string]string{
				"counts":      joinInts(counts),
				"growth":      fmt.Sprintf("+%d in %s", counts[len(counts)-1]-counts[0], window.Round(time.Second)),
				"samples":     strconv.Itoa(len(counts)),
				"client":      g.Client,
				"user":        g.User,
				"application": g.Application,
			},
		})
	}
	return leaks
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " → ")
}
