package adversarial

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// drain is the documented bound on operations in flight at the end of
// --duration (workload.DefaultDrain), and startSlack what a run may add
// for starting, opening the pools and printing.
const (
	drain      = 2 * time.Second
	startSlack = 2 * time.Second
)

// TimeBoundCases: open-model runs end within --duration + the drain, and
// cache simulate answers Ctrl-C within 0.5 s with what it has.
func TimeBoundCases() []Case {
	bounded := func(name string, d time.Duration, args ...string) Case {
		return Case{Area: AreaTimeBounds, Name: name, Check: func(t *testing.T, r Runner, dir string) error {
			args := append([]string{}, args...)
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "{DIR}", dir)
			}
			// killed 10 s past the bound: it has failed by then
			res := r.Run(Inv{Args: args, Dir: dir, Env: smallPools, Timeout: d + drain + startSlack + 10*time.Second})
			if err := crashed(res); err != nil {
				return err
			}
			if bound := d + drain + startSlack; res.Elapsed > bound {
				return fmt.Errorf("took %v, want at most %v (duration %v + drain %v + %v to start and print)",
					res.Elapsed.Round(10*time.Millisecond), bound, d, drain, startSlack)
			}
			return nil
		}}
	}
	return []Case{
		bounded("pools stats --rate 20000 --duration 2s", 2*time.Second,
			"pools", "stats", "--db", "sqlite://{DIR}/t.db", "--rate", "20000", "--duration", "2s", "--warmup", "0", "-o", "json"),
		bounded("report --rate 20000 --duration 2s", 2*time.Second,
			"report", "--rate", "20000", "--duration", "2s", "--warmup", "0", "-o", "json"),
		bounded("pools stats --rate 1e7 --duration 1s", time.Second,
			"pools", "stats", "--db", "sqlite://{DIR}/t.db", "--rate", "1e7", "--duration", "1s", "--warmup", "0", "-o", "json"),
		{Area: AreaTimeBounds, Name: "cache simulate answers Ctrl-C within 0.5 s", Check: simulateInterrupt},
	}
}

// interruptBound is how soon after SIGINT cache simulate must have exited
// (0.5 s, #18, plus what process exit and a loaded machine add).
const interruptBound = time.Second

func simulateInterrupt(t *testing.T, r Runner, dir string) error {
	p := r.Start(Inv{Args: []string{"cache", "simulate", "--dist", "zipf", "--requests", "50000000", "--keys", "5000000", "-o", "json"},
		Dir: dir, Timeout: 5 * time.Second}) // killed well after the bound
	select {
	case <-p.Ended():
		res := p.Wait()
		return fmt.Errorf("ended before the interrupt: exit %d %s", res.Code, oneLine(res.Stderr, 200))
	case <-time.After(1500 * time.Millisecond):
	}
	sent := time.Now()
	p.Interrupt()
	select {
	case <-p.Ended():
	case <-time.After(interruptBound):
		res := p.Wait()
		return fmt.Errorf("still running %v after SIGINT (ended after %v, exit %d)", interruptBound, time.Since(sent).Round(10*time.Millisecond), res.Code)
	}
	res := p.Wait()
	if res.Code != 130 {
		return fmt.Errorf("exit %d after SIGINT, want 130: %s", res.Code, oneLine(res.Stderr, 200))
	}
	if strings.TrimSpace(res.Stdout) == "" {
		return fmt.Errorf("printed nothing after SIGINT: want what it has")
	}
	return nil
}
