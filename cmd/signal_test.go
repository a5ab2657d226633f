package cmd

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/internal/cmdutil"
)

// The first signal cancels the command's context; the second returns 130
// at once, even while the command is still shutting down.
//
// Package cmd's TestMain belongs to testscript, so the signal tests check
// for leaked goroutines (the handler's, the command's) themselves.
func TestSecondSignalAbortsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	io, _, _, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
	sig := make(chan os.Signal, 2)
	f.Signals = func() (<-chan os.Signal, func()) { return sig, func() {} }

	release, finished := make(chan struct{}), make(chan struct{})
	code := abortable(f, func() int {
		defer close(finished)
		ctx, stop := f.WithSignals(context.Background())
		defer stop()
		sig <- os.Interrupt
		<-ctx.Done()           // the clean shutdown starts…
		sig <- syscall.SIGTERM // …and a second signal arrives
		<-cmdutil.Aborted(ctx) // the command sees the abort too
		<-release              // but is slow to finish
		return cmdutil.ExitOK
	})
	if code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130 without waiting for the command", code)
	}
	close(release)
	<-finished
	if n := strings.Count(errOut.String(), cmdutil.InterruptNotice); n != 1 {
		t.Errorf("the notice was printed %d times:\n%s", n, errOut)
	}
}

// --quiet silences the notice, though the handler starts before the flags
// are parsed.
func TestInterruptNoticeQuiet(t *testing.T) {
	defer goleak.VerifyNone(t)
	tests := []struct {
		args   []string
		notice bool
	}{
		{[]string{"cache", "simulate", "--dist", "uniform", "--keys", "30000", "--requests", "300000", "--sweep", "20", "--ttl", "1h", "-o", "json"}, true},
		{[]string{"cache", "simulate", "--dist", "uniform", "--keys", "30000", "--requests", "300000", "--sweep", "20", "--ttl", "1h", "-o", "json", "-q"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[len(tt.args)-1:], ""), func(t *testing.T) {
			io, _, out, errOut := cmdutil.Test()
			f := cmdutil.NewFactory(io, cmdutil.BuildInfo{})
			f.LookupEnv = func(string) (string, bool) { return "", false }
			f.WorkDir = t.TempDir()
			sig := make(chan os.Signal, 2)
			f.Signals = func() (<-chan os.Signal, func()) { return sig, func() {} }
			// A signal before the flags are parsed would be noticed before
			// -q is known; this one comes while the simulation runs (or is
			// about to start: either way the result is partial).
			timer := time.AfterFunc(300*time.Millisecond, func() { sig <- os.Interrupt })
			defer timer.Stop()
			code := Run(context.Background(), f, tt.args)
			if code != cmdutil.ExitInterrupted {
				t.Fatalf("exit %d, want 130; stderr:\n%s", code, errOut)
			}
			if !strings.Contains(out.String(), `"partial": true`) {
				t.Errorf("stdout is not a partial result:\n%s", out)
			}
			if got := strings.Contains(errOut.String(), cmdutil.InterruptNotice); got != tt.notice {
				t.Errorf("notice printed = %v, want %v:\n%s", got, tt.notice, errOut)
			}
		})
	}
}
