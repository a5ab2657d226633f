package resources

import (
	"slices"
	"strconv"
	"time"
)

// SourceTracker is Leak.Source for leaks found by a Tracker.
const SourceTracker = "tracker"

// candidate is a record found past the threshold, copied out of its shard so
// the Leak can be built without holding the lock.
type candidate struct {
	id      uint64
	created int64
	label   *label
	pcs     []uintptr
}

// DetectLeaks returns every resource alive longer than maxLifetime (all
// active resources when maxLifetime <= 0), oldest first, with severity
// warning and its stack when stacks are captured. It also returns, once,
// each resource that an earlier DetectLeaks reported and that was released
// since, with Resolved set, severity info and its final lifetime: a slow
// holder rather than a leak.
//
// The scan holds one shard lock at a time and builds the report after
// releasing it, so Register and Release on other shards never wait.
func (t *Tracker) DetectLeaks(maxLifetime time.Duration) []Leak {
	now := t.nanos()
	limit := int64(maxLifetime)
	var found []candidate
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for slot := range s.recs {
			r := &s.recs[slot]
			if !r.live() || (limit > 0 && now-r.created <= limit) {
				continue
			}
			c := candidate{id: makeID(r.gen, uint32(slot), uint32(i)), created: r.created, label: s.labels[r.labelIdx()]}
			if s.stacks != nil {
				c.pcs = s.stacks[slot]
			}
			found = append(found, c)
			r.label |= reportedBit
		}
		s.mu.Unlock()
	}
	slices.SortFunc(found, func(a, b candidate) int {
		if a.created != b.created {
			if a.created < b.created {
				return -1
			}
			return 1
		}
		if a.id < b.id {
			return -1
		}
		return 1
	})

	resolved := t.takeResolved()
	leaks := make([]Leak, 0, len(found)+len(resolved))
	for _, c := range found {
		life := time.Duration(now - c.created)
		leaks = append(leaks, Leak{
			Source:   SourceTracker,
			Kind:     c.label.kind.name,
			ID:       strconv.FormatUint(c.id, 10),
			Owner:    c.label.owner,
			Created:  t.at(c.created),
			Lifetime: life,
			Seconds:  life.Seconds(),
			Severity: SeverityWarning,
			Stack:    formatStack(c.pcs),
		})
	}
	return append(leaks, resolved...)
}

// resolve remembers a reported resource that was released after all.
func (t *Tracker) resolve(id uint64, l *label, created, released int64, pcs []uintptr) {
	life := time.Duration(released - created)
	lk := Leak{
		Source:   SourceTracker,
		Kind:     l.kind.name,
		ID:       strconv.FormatUint(id, 10),
		Owner:    l.owner,
		Created:  t.at(created),
		Lifetime: life,
		Seconds:  life.Seconds(),
		Severity: SeverityInfo,
		Resolved: true,
		Stack:    formatStack(pcs),
	}
	t.resolvedMu.Lock()
	defer t.resolvedMu.Unlock()
	if len(t.resolved) >= t.maxResolved {
		n := len(t.resolved) - t.maxResolved + 1
		t.resolved = append(t.resolved[:0], t.resolved[n:]...)
	}
	t.resolved = append(t.resolved, lk)
}

func (t *Tracker) takeResolved() []Leak {
	t.resolvedMu.Lock()
	defer t.resolvedMu.Unlock()
	out := t.resolved
	t.resolved = nil
	return out
}
