package adversarial

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/resync-dev/resync/cmd"
	"github.com/resync-dev/resync/internal/cmdutil"
)

// Inv is one resync invocation: its arguments, its only environment
// variables and its working directory.
type Inv struct {
	Args []string
	Env  map[string]string
	Dir  string
	// Timeout kills a binary's run that takes longer (DefaultTimeout when
	// zero): the case fails with the reason. In-process runs are not killed.
	Timeout time.Duration
}

// DefaultTimeout bounds one invocation of a case that sets no Timeout.
const DefaultTimeout = 30 * time.Second

// Result is what an invocation did.
type Result struct {
	Code           int
	Stdout, Stderr string
	Elapsed        time.Duration
	TimedOut       bool
}

// Out is stdout and stderr together, for the leak checks.
func (r Result) Out() string { return r.Stdout + "\n" + r.Stderr }

// Proc is an invocation running in the background (serve, or a run to
// interrupt).
type Proc interface {
	// Interrupt sends SIGINT (in-process: cancels the root context).
	Interrupt()
	// Wait waits for the end (killing it after the invocation's Timeout).
	Wait() Result
	// Ended is closed when the invocation ended on its own.
	Ended() <-chan struct{}
}

// Runner runs resync.
type Runner interface {
	Name() string
	Run(inv Inv) Result
	Start(inv Inv) Proc
	// InProcess: cases that need a real process (signals, memory) skip.
	InProcess() bool
}

// Binary runs a resync executable. The child gets only PATH, HOME and
// XDG_CONFIG_HOME (the run's directory) and the invocation's variables, and
// a 6 GB address-space limit, so an input that would allocate without
// bound fails fast instead of taking the shared machine's memory.
type Binary struct{ Path string }

// MemoryLimitKB is the child's ulimit -v.
const MemoryLimitKB = 6 << 20

func (b Binary) Name() string    { return b.Path }
func (b Binary) InProcess() bool { return false }

func (b Binary) command(inv Inv) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	args := append([]string{"-c", `ulimit -v ` + strconv.Itoa(MemoryLimitKB) + ` 2>/dev/null; exec "$0" "$@"`, b.Path}, inv.Args...)
	c := exec.Command("/bin/sh", args...)
	c.Dir = inv.Dir
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + inv.Dir, "XDG_CONFIG_HOME=" + inv.Dir, "NO_COLOR=1"}
	for k, v := range inv.Env {
		c.Env = append(c.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	return c, &out, &errOut
}

func (b Binary) Run(inv Inv) Result { return b.Start(inv).Wait() }

func (b Binary) Start(inv Inv) Proc {
	c, out, errOut := b.command(inv)
	p := &binProc{c: c, out: out, errOut: errOut, start: time.Now(), ended: make(chan struct{}), timeout: timeout(inv)}
	if err := c.Start(); err != nil {
		p.res = Result{Code: -1, Stderr: err.Error()}
		close(p.ended)
		return p
	}
	go func() { p.werr = c.Wait(); p.elapsed = time.Since(p.start); close(p.ended) }()
	return p
}

type binProc struct {
	c           *exec.Cmd
	out, errOut *bytes.Buffer
	start       time.Time
	timeout     time.Duration
	ended       chan struct{}
	werr        error
	elapsed     time.Duration
	res         Result
	timedOut    bool
}

func (p *binProc) Interrupt() {
	if p.c.Process != nil {
		_ = p.c.Process.Signal(syscall.SIGINT)
	}
}

func (p *binProc) Ended() <-chan struct{} { return p.ended }

func (p *binProc) Wait() Result {
	if p.c.Process == nil {
		return p.res
	}
	select {
	case <-p.ended:
	case <-time.After(p.timeout - time.Since(p.start)):
		p.timedOut = true
		_ = p.c.Process.Kill() // by its PID: the process this harness started
		<-p.ended
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(p.werr, &ee) {
		code = ee.ExitCode()
	} else if p.werr != nil {
		code = -1
	}
	return Result{Code: code, Stdout: p.out.String(), Stderr: p.errOut.String(), Elapsed: p.elapsed, TimedOut: p.timedOut}
}

// InProcess runs the command tree of this build through cmd.Run, with the
// invocation's variables as the whole environment.
type InProcess struct{}

func (InProcess) Name() string    { return "in-process" }
func (InProcess) InProcess() bool { return true }

func (r InProcess) Run(inv Inv) Result { return r.Start(inv).Wait() }

func (InProcess) Start(inv Inv) Proc {
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "adversarial"})
	env := inv.Env
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.WorkDir = inv.Dir
	f.Signals = nil
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProc{cancel: cancel, ended: make(chan struct{}), start: time.Now(), out: out, errOut: errOut}
	go func() {
		p.code = cmd.Run(ctx, f, inv.Args)
		p.elapsed = time.Since(p.start)
		close(p.ended)
	}()
	return p
}

type inProc struct {
	cancel      context.CancelFunc
	ended       chan struct{}
	start       time.Time
	code        int
	elapsed     time.Duration
	out, errOut *bytes.Buffer
}

func (p *inProc) Interrupt()             { p.cancel() }
func (p *inProc) Ended() <-chan struct{} { return p.ended }

// Wait waits for the run to end. The invocation's Timeout does not apply
// in-process: a command cannot be killed there, and the quick cases are
// bounded by design (and are no timing checks: -race makes them slow).
func (p *inProc) Wait() Result {
	<-p.ended
	p.cancel()
	return Result{Code: p.code, Stdout: p.out.String(), Stderr: p.errOut.String(), Elapsed: p.elapsed}
}

func timeout(inv Inv) time.Duration {
	if inv.Timeout > 0 {
		return inv.Timeout
	}
	return DefaultTimeout
}

// lines counts the lines of s.
func lines(s string) int { return strings.Count(strings.TrimRight(s, "\n"), "\n") + 1 }
