package adversarial

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/internal/faultproxy"
	"github.com/resync-dev/resync/internal/testenv"
)

// HealthCases run against a private redis-server (SIGSTOP/SIGCONT) and a
// fault proxy in this process, never the shared servers.
func HealthCases() []Case {
	return []Case{
		{Area: AreaHealth, Name: "stall mid-run is a critical pool.stalled finding", Check: stall},
		{Area: AreaHealth, Name: "3 s refusal in a 6 s run is a pool.outage finding", Check: outage},
		{Area: AreaHealth, Name: "report reachability after connection resets uses a fresh connection", Check: resets},
		{Area: AreaHealth, Name: "serve /health recovers after the target comes back", Check: recovers, Serve: true},
		{Area: AreaHealth, Name: "serve leaks API names the targets it could not inspect", Check: notInspected, Serve: true},
	}
}

var redisEnv = map[string]string{"REDIS_POOL_MIN_SIZE": "1", "REDIS_POOL_MAX_SIZE": "2", "REDIS_POOL_CONNECT_TIMEOUT": "1"}

func stall(t *testing.T, r Runner, dir string) error {
	rd := testenv.StartRedis(t)
	go func() { time.Sleep(700 * time.Millisecond); _ = rd.Stop() }()
	res := r.Run(Inv{Args: []string{"pools", "stats", "--redis", rd.URL, "--duration", "1500ms", "--warmup", "0",
		"--concurrency", "2", "--timeout", "30s", "-o", "json"}, Dir: dir, Env: redisEnv, Timeout: 20 * time.Second})
	_ = rd.Continue()
	if err := crashed(res); err != nil {
		return err
	}
	if !strings.Contains(res.Stdout, `"pool.stalled"`) {
		return fmt.Errorf("exit %d, health %q, no pool.stalled finding", res.Code, health(res.Stdout))
	}
	return nil
}

func outage(t *testing.T, r Runner, dir string) error {
	rd := testenv.StartRedis(t)
	proxy, url := faultproxy.Behind(t, rd.URL)
	go func() {
		time.Sleep(1500 * time.Millisecond)
		_ = proxy.RefuseNew(true)
		proxy.CutAll()
		time.Sleep(3 * time.Second)
		_ = proxy.Heal()
	}()
	res := r.Run(Inv{Args: []string{"pools", "stats", "--redis", url, "--duration", "6s", "--warmup", "0",
		"--concurrency", "2", "-o", "json"}, Dir: dir, Env: redisEnv, Timeout: 30 * time.Second})
	if err := crashed(res); err != nil {
		return err
	}
	if !strings.Contains(res.Stdout, `"pool.outage"`) {
		return fmt.Errorf("exit %d, health %q, no pool.outage finding", res.Code, health(res.Stdout))
	}
	return nil
}

// resets cuts every connection through the proxy every 50 ms during and
// after the run: the server is fine, only pooled connections die.
func resets(t *testing.T, r Runner, dir string) error {
	rd := testenv.StartRedis(t)
	proxy, url := faultproxy.Behind(t, rd.URL)
	p := r.Start(Inv{Args: []string{"report", "--redis", url, "--duration", "1500ms", "--warmup", "0", "-o", "json"},
		Dir: dir, Env: redisEnv, Timeout: 30 * time.Second})
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-p.Ended():
			break loop
		case <-tick.C:
			proxy.CutAll()
		}
	}
	res := p.Wait()
	if err := crashed(res); err != nil {
		return err
	}
	var rep struct {
		Targets []struct {
			Kind      string `json:"kind"`
			Reachable bool   `json:"reachable"`
			Error     string `json:"error"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil {
		return fmt.Errorf("exit %d, no report JSON: %v %s", res.Code, err, oneLine(res.Stderr, 200))
	}
	for _, tg := range rep.Targets {
		if tg.Kind == "redis" && !tg.Reachable {
			return fmt.Errorf("the healthy Redis is called unreachable: %s", oneLine(tg.Error, 200))
		}
	}
	return nil
}

func recovers(t *testing.T, r Runner, dir string) error {
	rd := testenv.StartRedis(t)
	proxy, url := faultproxy.Behind(t, rd.URL)
	s, err := startServe(t, r, dir, "--redis", url)
	if err != nil {
		return err
	}
	if s.base == "" {
		res := s.proc.Wait()
		return fmt.Errorf("serve did not start: exit %d %s", res.Code, oneLine(res.Stderr, 200))
	}
	status := func() int { code, _, _ := s.get("/api/performance/health", ""); return code }
	if !waitStatus(status, 200, 15*time.Second) {
		return fmt.Errorf("never healthy at the start")
	}
	_ = proxy.RefuseNew(true)
	proxy.CutAll()
	if !waitStatus(status, 503, 15*time.Second) {
		return fmt.Errorf("never 503 while the target refused")
	}
	time.Sleep(2 * time.Second)
	if err := proxy.Heal(); err != nil {
		return err
	}
	// the window is 30 s: healthy again within it and one interval
	if !waitStatus(status, 200, 40*time.Second) {
		return fmt.Errorf("/health still %d 40 s after the target came back", status())
	}
	return nil
}

func waitStatus(status func() int, want int, within time.Duration) bool {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if status() == want {
			return true
		}
	}
	return false
}

func notInspected(t *testing.T, r Runner, dir string) error {
	s, err := startServe(t, r, dir, "--db", "postgres://app@127.0.0.1:1/db")
	if err != nil {
		return err
	}
	if s.base == "" {
		res := s.proc.Wait()
		return fmt.Errorf("serve did not start: exit %d %s", res.Code, oneLine(res.Stderr, 200))
	}
	code, body, err := s.get("/api/performance/resources/leaks", "")
	if err != nil {
		return err
	}
	var scan struct {
		NotInspected []struct {
			Name string `json:"name"`
		} `json:"not_inspected"`
	}
	_ = json.Unmarshal([]byte(body), &scan)
	if len(scan.NotInspected) == 0 || scan.NotInspected[0].Name != "database" {
		return fmt.Errorf("status %d and no not_inspected entry for the unreachable database: %s", code, oneLine(body, 200))
	}
	return nil
}

// health is a report's overall_health, or "" when stdout is no report.
func health(stdout string) string {
	var rep struct {
		Health string `json:"overall_health"`
	}
	_ = json.Unmarshal([]byte(stdout), &rep)
	return rep.Health
}
