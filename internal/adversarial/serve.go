package adversarial

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// served is a resync serve started by a case.
type served struct {
	proc   Proc
	base   string // "" when serve ended before it answered
	client *http.Client
}

// serveReady bounds the wait for serve's first answer.
const serveReady = 20 * time.Second

// startServe runs "resync serve" on a free port with a 100 ms interval and
// waits until the API answers, or serve ends (base "").
func startServe(t *testing.T, r Runner, dir string, args ...string) (*served, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	all := append([]string{"serve", "-v", "--addr", "127.0.0.1:" + port, "--interval", "100ms", "--probe-rate", "50"}, args...)
	s := &served{
		proc:   r.Start(Inv{Args: all, Dir: dir, Env: smallPools, Timeout: 2 * time.Minute}),
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}},
	}
	t.Cleanup(func() { s.stop() })
	base := "http://127.0.0.1:" + port
	for deadline := time.Now().Add(serveReady); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-s.proc.Ended():
			return s, nil
		default:
		}
		if resp, err := s.client.Get(base + "/api/performance/health"); err == nil {
			resp.Body.Close()
			s.base = base
			return s, nil
		}
	}
	return s, fmt.Errorf("serve did not answer within %v", serveReady)
}

func (s *served) get(path, token string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// stop interrupts serve and waits for it; calling it again returns the
// same result.
func (s *served) stop() Result {
	s.proc.Interrupt()
	return s.proc.Wait()
}
