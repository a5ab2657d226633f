package cmdutil

import (
	"context"
	"fmt"
	"sync"
)

// InterruptNotice is printed to stderr on the first SIGINT/SIGTERM (unless
// --quiet).
const InterruptNotice = "interrupted: stopping cleanly (press Ctrl-C again to abort at once)"

// WithSignals returns the root context of one invocation: cancelled on the
// first SIGINT/SIGTERM from f.Signals, and carrying an abort channel
// (Aborted) closed on the second one, when f.Abort is called too. The stop
// function releases the signal handler. Only package cmd calls it, once per
// invocation; commands see the result as cmd.Context().
//
// Whether the notice is printed is read when the signal arrives, from
// SetQuiet, so the handler can start before the flags are parsed.
func (f *Factory) WithSignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ctx, abort := WithAbort(ctx)
	if f.Signals == nil {
		return ctx, cancel
	}
	ch, stopSig := f.Signals()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-ch:
			if !f.quiet.Load() {
				fmt.Fprintln(f.IO.ErrOut, InterruptNotice)
			}
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			abort()
			if f.Abort != nil {
				f.Abort()
			}
		case <-done:
		}
	})
	return ctx, func() { close(done); wg.Wait(); stopSig(); cancel() }
}

// SetQuiet sets --quiet for the invocation: IOStreams.Quiet for the
// command, and the signal handler's copy, which another goroutine reads.
func (f *Factory) SetQuiet(q bool) {
	f.IO.Quiet = q
	f.quiet.Store(q)
}

type abortKey struct{}

// WithAbort returns a context carrying an abort channel, and the function
// that closes it (at most once). The root context gets one from
// WithSignals; tests of a run function make their own.
func WithAbort(parent context.Context) (context.Context, func()) {
	ch := make(chan struct{})
	var once sync.Once
	return context.WithValue(parent, abortKey{}, (<-chan struct{})(ch)), func() { once.Do(func() { close(ch) }) }
}

// Aborted returns the channel closed on the second SIGINT/SIGTERM: a
// command waiting for a clean shutdown (closing pools, draining requests)
// stops waiting when it is closed. Without an abort channel in ctx it
// returns nil, which never becomes ready.
func Aborted(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(abortKey{}).(<-chan struct{})
	return ch
}
