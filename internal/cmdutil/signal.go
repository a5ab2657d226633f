package cmdutil

import (
	"context"
	"fmt"
)

// WithSignals returns a context cancelled on the first SIGINT/SIGTERM from
// f.Signals. A second signal calls abort (which should exit at once). The
// returned stop function releases the signal handler. A nil abort means
// f.Abort.
func (f *Factory) WithSignals(parent context.Context, abort func()) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	if f.Signals == nil {
		return ctx, cancel
	}
	ch, stopSig := f.Signals()
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			if !f.IO.Quiet {
				fmt.Fprintln(f.IO.ErrOut, "interrupted: stopping cleanly (press Ctrl-C again to abort at once)")
			}
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			if abort == nil {
				abort = f.Abort
			}
			if abort != nil {
				abort()
			}
		case <-done:
		}
	}()
	return ctx, func() { close(done); stopSig(); cancel() }
}
