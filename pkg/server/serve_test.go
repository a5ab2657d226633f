package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/resources"
)

// serveOn starts s on a loopback port and returns its base URL and a stop
// function that cancels Serve and returns its error.
func serveOn(t *testing.T, s *Server) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), func() error { cancel(); return <-errc }
}

func TestServeAndShutdown(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	base, stop := serveOn(t, s)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	resp, err := client.Get(base + PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health = %d", resp.StatusCode)
	}
	// The connection stays idle in the client's pool: shutdown must not
	// wait for it.
	if err := stop(); err != nil {
		t.Fatalf("Serve after cancel = %v, want nil", err)
	}
	if _, err := client.Get(base + PathHealth); err == nil {
		t.Fatal("server still answers after shutdown")
	}
	if err := s.Serve(context.Background(), nil); err == nil {
		t.Fatal("second Serve did not fail")
	}
}

// A leak scan in flight when shutdown starts is cancelled, so it does not
// hold the shutdown up; its caller gets a 503.
func TestShutdownCancelsLeakScan(t *testing.T) {
	fl := &fakeLeaks{block: true}
	s, _ := newTestServer(t, Options{Leaks: fl.scan, LeakTimeout: time.Hour}, degradedReport())
	base, stop := serveOn(t, s)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	type result struct {
		code int
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := client.Get(base + PathResourcesLeaks)
		if err != nil {
			res <- result{err: err}
			return
		}
		resp.Body.Close()
		res <- result{code: resp.StatusCode}
	}()
	for len(fl.thresholds()) == 0 { // wait until the scan is running
		time.Sleep(time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	r := <-res
	if r.err != nil || r.code != http.StatusServiceUnavailable {
		t.Fatalf("leak request during shutdown: code %d, err %v; want 503", r.code, r.err)
	}
}

func TestServeListenerError(t *testing.T) {
	s, _ := newTestServer(t, Options{}, degradedReport())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // Serve's Accept fails at once
	if err := s.Serve(context.Background(), ln); err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve on a closed listener = %v", err)
	}
}

// Requests for the same threshold share one scan.
func TestScanSharing(t *testing.T) {
	g := newScanGroup(1)
	release := make(chan struct{})
	started := make(chan struct{})
	var calls int
	fn := func() (report.LeakScan, error) {
		calls++
		close(started)
		<-release
		return report.LeakScan{Leaks: []resources.Leak{{ID: "1"}}}, nil
	}
	const n = 5
	var wg sync.WaitGroup
	results := make(chan int, n)
	wg.Add(1)
	go func() {
		defer wg.Done()
		l, _ := g.do(context.Background(), time.Hour, fn)
		results <- len(l.Leaks)
	}()
	<-started
	for range n - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, _ := g.do(context.Background(), time.Hour, fn)
			results <- len(l.Leaks)
		}()
	}
	for g.waiting() < n-1 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(results)
	for got := range results {
		if got != 1 {
			t.Errorf("a caller got %d leaks, want 1", got)
		}
	}
	if calls != 1 {
		t.Errorf("scans run = %d, want 1", calls)
	}
}

// Close ends Serve at once, without an error.
func TestCloseForcesShutdown(t *testing.T) {
	fl := &fakeLeaks{block: true}
	s, _ := newTestServer(t, Options{Leaks: fl.scan, LeakTimeout: time.Hour, ShutdownTimeout: time.Hour}, degradedReport())
	if err := s.Close(); err != nil { // before Serve: nothing to close
		t.Fatal(err)
	}
	s, _ = newTestServer(t, Options{Leaks: fl.scan, LeakTimeout: time.Hour, ShutdownTimeout: time.Hour}, degradedReport())
	base, stop := serveOn(t, s)
	resp, err := http.Get(base + PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve after Close = %v", err)
	}
	http.DefaultClient.CloseIdleConnections()
}
