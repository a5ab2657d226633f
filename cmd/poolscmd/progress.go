package poolscmd

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/workload"
	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// progress draws one live status line on stderr, only when stderr is a
// terminal and --quiet is off; otherwise every method does nothing.
type progress struct {
	on               bool
	w                *cmdutil.IOStreams
	warmup, duration time.Duration

	mu     sync.Mutex
	latest map[string]workload.Progress
	drawn  bool
}

func newProgress(io *cmdutil.IOStreams, warmup, duration time.Duration) *progress {
	return &progress{on: io.ShowProgress(), w: io, warmup: warmup, duration: duration,
		latest: map[string]workload.Progress{}}
}

// update records one pool's progress and redraws the line.
func (p *progress) update(wp workload.Progress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest[wp.Name] = wp
	names := make([]string, 0, len(p.latest))
	for n := range p.latest {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	phase := "running"
	if wp.Warmup {
		phase = "warming up"
	} else if p.duration > 0 {
		phase = fmt.Sprintf("%s / %s", wp.Elapsed.Round(time.Second), p.duration)
	}
	b.WriteString(phase)
	for _, n := range names {
		l := p.latest[n]
		fmt.Fprintf(&b, " · %s %s/s", n, output.Count(l.Rate))
		if l.Errors > 0 {
			fmt.Fprintf(&b, " (%d errors)", l.Errors)
		}
		if l.HitRate > 0 { // --cache: hits never reach the pool, so apart
			fmt.Fprintf(&b, " + %s cache hits/s", output.Count(l.HitRate))
		}
	}
	fmt.Fprint(p.w.ErrOut, "\r\033[K"+b.String())
	p.drawn = true
}

// event reports a sizing step.
func (p *progress) event(e sizing.Event) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !e.Done {
		fmt.Fprintf(p.w.ErrOut, "\r\033[K%s: %s size %d …", e.Name, e.Phase, e.Size)
		p.drawn = true
		return
	}
	if e.Step != nil {
		fmt.Fprintf(p.w.ErrOut, "\r\033[K%s: %s size %d: %s ops/s\n", e.Name, e.Phase, e.Size, output.Count(e.Step.Throughput))
		p.drawn = false
	}
}

// done clears the line.
func (p *progress) done() {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w.ErrOut, "\r\033[K")
		p.drawn = false
	}
}
