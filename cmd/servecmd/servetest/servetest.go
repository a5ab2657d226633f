// Package servetest holds testscript commands for the "resync serve"
// scripts: freeport picks a free loopback port, httpget queries the running
// server. It is imported only by the command tree's script test.
package servetest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// ReadyWait bounds how long httpget waits for a server that is still
// starting (connection refused) before failing.
const ReadyWait = 30 * time.Second

// Cmds returns the commands to add to testscript.Params.Cmds.
func Cmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"freeport": freeport,
		"httpget":  httpget,
	}
}

// freeport NAME sets $NAME to a loopback TCP port that was free a moment ago.
func freeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ts.Check(ln.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

// httpget [-status CODE] [-method M] [-H 'Name: value']... [-body TEXT] URL
//
// sends one request (retrying while the connection is refused, up to
// ReadyWait, so it doubles as "wait until the server is up"), writes the
// body to stdout and the status line and headers to stderr, and fails
// unless the status is CODE (default 200).
func httpget(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! httpget (use -status)")
	}
	fs := flag.NewFlagSet("httpget", flag.ContinueOnError)
	status := fs.Int("status", http.StatusOK, "expected status code")
	method := fs.String("method", http.MethodGet, "request method")
	body := fs.String("body", "", "request body")
	var headers headerFlag
	fs.Var(&headers, "H", "request header, Name: value (repeatable)")
	fs.SetOutput(ts.Stderr())
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: httpget [-status CODE] [-method M] [-H 'Name: value'] [-body TEXT] URL")
	}
	url := fs.Arg(0)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(ReadyWait)
	var resp *http.Response
	for {
		var rb io.Reader
		if *body != "" {
			rb = strings.NewReader(*body)
		}
		req, err := http.NewRequest(*method, url, rb)
		ts.Check(err)
		for _, h := range headers {
			req.Header.Add(h[0], h[1])
		}
		resp, err = client.Do(req)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
			ts.Fatalf("httpget %s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	fmt.Fprintf(ts.Stderr(), "%s %s\n", resp.Proto, resp.Status)
	for k, vs := range resp.Header {
		for _, v := range vs {
			fmt.Fprintf(ts.Stderr(), "%s: %s\n", k, v)
		}
	}
	_, err = ts.Stdout().Write(b)
	ts.Check(err)
	if resp.StatusCode != *status {
		ts.Fatalf("httpget %s: status %d, want %d\n%s", url, resp.StatusCode, *status, b)
	}
}

type headerFlag [][2]string

func (h *headerFlag) String() string { return fmt.Sprint(*h) }

func (h *headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Errorf("header %q is not Name: value", s)
	}
	*h = append(*h, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	return nil
}
