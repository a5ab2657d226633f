package leakscmd

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources/inspect"
	"github.com/resync-dev/resync/pkg/target"
)

// LeaksOptions are the validated inputs of one "resync leaks" run.
type LeaksOptions struct {
	IO          *cmdutil.IOStreams
	Printer     *cmdutil.Printer
	Now         func() time.Time
	Targets     []target.Target // "database", "database2", …, "redis"
	MaxLifetime time.Duration
	Watch       time.Duration // 0: one sample
	Interval    time.Duration
	Timeout     time.Duration
	FailOnLeaks bool

	// onSample, when set, runs after each sample with its index; tests use
	// it to change the servers between samples deterministically.
	onSample func(i int)
}

// runLeaks samples every target (once, or every Interval over Watch),
// prints the report and maps the outcome to an error. Interrupted, it
// prints what it has and returns context.Canceled (exit 130).
func runLeaks(ctx context.Context, o *LeaksOptions) error {
	start := o.Now()
	samples := 1
	if o.Watch > 0 {
		samples = int(o.Watch/o.Interval) + 1
	}
	history := make([][]*inspect.Result, len(o.Targets)) // per target, oldest first
	progress := newProgress(o.IO)
	var interrupted error
	for i := 0; i < samples; i++ {
		if i > 0 {
			progress.show(i, samples)
			select {
			case <-ctx.Done():
			case <-time.After(o.Interval):
			}
		}
		if err := ctx.Err(); err != nil {
			interrupted = err
			break
		}
		results := sampleAll(ctx, o)
		if err := ctx.Err(); err != nil {
			interrupted = err
			if i > 0 {
				break // keep the complete samples, not this cut one
			}
		}
		for t, r := range results {
			history[t] = append(history[t], r)
		}
		if interrupted != nil {
			break
		}
		if o.onSample != nil {
			o.onSample(i)
		}
	}
	progress.done()

	rep := report.BuildLeaks(start, o.MaxLifetime, o.Watch, interrupted != nil, history)
	if err := o.Printer.Print(rep); err != nil {
		return err
	}
	if interrupted != nil {
		return interrupted
	}
	if o.FailOnLeaks {
		if err := failure(rep); err != nil {
			return err
		}
	}
	if n := rep.Summary.Unreachable; n > 0 {
		return fmt.Errorf("%d of %d targets unreachable", n, len(o.Targets))
	}
	return nil
}

// sampleAll inspects every target at once, each within Timeout.
func sampleAll(ctx context.Context, o *LeaksOptions) []*inspect.Result {
	out := make([]*inspect.Result, len(o.Targets))
	var wg sync.WaitGroup
	for i, t := range o.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			r, err := inspect.Inspect(tctx, t, inspect.Options{MaxLifetime: o.MaxLifetime, Now: o.Now})
			if r == nil { // only for inputs validated earlier; keep the target in the report all the same
				r = &inspect.Result{Name: t.Name, Kind: string(t.Kind), URL: t.Redacted(), Error: redact.Text(fmt.Sprint(err))}
			}
			out[i] = r
		}()
	}
	wg.Wait()
	return out
}

// failure is the --fail-on-leaks verdict.
func failure(rep *report.Leaks) error {
	if why := rep.Failures(); len(why) > 0 {
		return &cmdutil.FindingError{Reason: strings.Join(why, "; ") + " (--fail-on-leaks)"}
	}
	return nil
}

// progress draws "sample i/n" on stderr when it is a terminal.
type progress struct {
	io *cmdutil.IOStreams
	on bool
}

func newProgress(io *cmdutil.IOStreams) *progress { return &progress{io: io, on: io.ShowProgress()} }

func (p *progress) show(i, n int) {
	if p.on {
		fmt.Fprintf(p.io.ErrOut, "\r\033[Kwatching: %d of %d samples taken…", i, n)
	}
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.io.ErrOut, "\r\033[K")
	}
}
