package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"go.uber.org/goleak"

	"github.com/resync-dev/resync/pkg/config"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"plain", errors.New("boom"), ExitError},
		{"usage", Usagef("bad --concurrency %d", 0), ExitUsage},
		{"wrapped usage", fmt.Errorf("pools stats: %w", Usagef("bad")), ExitUsage},
		{"finding", &FindingError{Reason: "health is critical"}, ExitFinding},
		{"canceled", context.Canceled, ExitInterrupted},
		{"wrapped canceled", fmt.Errorf("run: %w", context.Canceled), ExitInterrupted},
		{"config", &config.Error{}, ExitUsage},
		{"wrapped config", fmt.Errorf("load: %w", &config.Error{}), ExitUsage},
		{"a code of its own is ignored", codedErr(2), ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

type codedErr int

func (c codedErr) Error() string { return "coded" }
func (c codedErr) ExitCode() int { return int(c) }

func TestColorEnabled(t *testing.T) {
	tests := []struct {
		name                          string
		tty, forced, noColorEnv, flag bool
		want                          bool
	}{
		{"piped", false, false, false, false, false},
		{"terminal", true, false, false, false, true},
		{"terminal NO_COLOR", true, false, true, false, false},
		{"terminal --no-color", true, false, false, true, false},
		{"piped CLICOLOR_FORCE", false, true, false, false, true},
		{"CLICOLOR_FORCE beats NO_COLOR", false, true, true, false, true},
		{"--no-color beats CLICOLOR_FORCE", true, true, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.SetTTY(tt.tty, tt.tty)
			s.colorForced, s.noColorEnv = tt.forced, tt.noColorEnv
			s.SetNoColor(tt.flag)
			if got := s.ColorEnabled(); got != tt.want {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestShowProgress(t *testing.T) {
	s, _, _, _ := Test()
	if s.ShowProgress() {
		t.Error("progress shown on a pipe")
	}
	s.SetTTY(false, true)
	if !s.ShowProgress() {
		t.Error("progress hidden on a terminal")
	}
	s.Quiet = true
	if s.ShowProgress() {
		t.Error("progress shown with --quiet")
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"1h", time.Hour, ""},
		{"250ms", 250 * time.Millisecond, ""},
		{"3600", time.Hour, ""},
		{"0.5", 500 * time.Millisecond, ""},
		{"0", 0, ""},
		{"", 0, "empty duration"},
		{"soon", 0, `"soon" is not a duration`},
		{"-1s", 0, "negative"},
		{"-5", 0, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDurationValueRejectsZeroWhenAsked(t *testing.T) {
	var d time.Duration
	v := NewDuration(&d, time.Second)
	v.AllowZero = false
	if err := v.Set("0"); err == nil {
		t.Fatal("zero accepted")
	}
	if err := v.Set("2m"); err != nil || d != 2*time.Minute {
		t.Fatalf("Set(2m) = %v, d = %v", err, d)
	}
}

func TestEnumValue(t *testing.T) {
	e := NewEnum(FormatTable, FormatTable, FormatJSON, FormatMarkdown)
	if err := e.Set("JSON"); err != nil || e.String() != FormatJSON {
		t.Fatalf("Set(JSON) = %v, value %q", err, e.String())
	}
	err := e.Set("yaml")
	if err == nil || !strings.Contains(err.Error(), "table, json, markdown") {
		t.Fatalf("Set(yaml) error = %v, want the choices named", err)
	}
	if e.String() != FormatJSON {
		t.Fatalf("a rejected value changed the enum to %q", e.String())
	}
}

func TestWithSignals(t *testing.T) {
	tests := []struct {
		name    string
		quiet   bool
		signals int
		notice  bool
		aborted bool
	}{
		{"none", false, 0, false, false},
		{"one: cancelled, notice", false, 1, true, false},
		{"one, quiet: cancelled, no notice", true, 1, false, false},
		{"two: aborted too", false, 2, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, errOut := Test()
			ch := make(chan os.Signal, 2)
			stopped := false
			abortCalls := 0
			f := &Factory{IO: s, Signals: func() (<-chan os.Signal, func()) { return ch, func() { stopped = true } }}
			f.Abort = func() { abortCalls++ }
			f.SetQuiet(tt.quiet)
			ctx, stop := f.WithSignals(context.Background())
			derived, cancel := context.WithTimeout(ctx, time.Hour) // commands derive contexts
			defer cancel()

			if tt.signals > 0 {
				ch <- os.Interrupt
				<-ctx.Done()
				if !errors.Is(ctx.Err(), context.Canceled) {
					t.Fatalf("ctx.Err() = %v", ctx.Err())
				}
			}
			if tt.signals > 1 {
				ch <- syscall.SIGTERM
				<-Aborted(derived)
			}
			stop()
			if got := strings.Contains(errOut.String(), InterruptNotice); got != tt.notice {
				t.Errorf("notice printed = %v, want %v (stderr %q)", got, tt.notice, errOut.String())
			}
			select {
			case <-Aborted(derived):
				if !tt.aborted || abortCalls != 1 {
					t.Errorf("aborted (Abort called %d times), want aborted = %v", abortCalls, tt.aborted)
				}
			default:
				if tt.aborted {
					t.Error("not aborted")
				}
			}
			if !stopped {
				t.Error("the signal source was not released")
			}
			if tt.signals == 0 && ctx.Err() == nil {
				t.Error("stop did not cancel the context")
			}
		})
	}
}

func TestAbortedWithoutHandler(t *testing.T) {
	if Aborted(context.Background()) != nil {
		t.Fatal("a context without an abort channel has one")
	}
	ctx, abort := WithAbort(context.Background())
	abort()
	abort() // twice is fine
	<-Aborted(ctx)
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
