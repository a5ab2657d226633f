package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/resync-dev/resync/pkg/report"
	"github.com/resync-dev/resync/pkg/server"
)

// The /api/performance/* API over the last published report: /health is
// public, every other path needs the token.
func ExampleServer() {
	srv, err := server.New(server.Options{
		Token: "s3cret",
		Leaks: func(context.Context, time.Duration) (report.LeakScan, error) { return report.LeakScan{}, nil },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	rep := report.Build(report.Input{Now: time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC), Duration: 10 * time.Second,
		Targets: []report.Target{{Name: "redis", Kind: "redis", URL: "redis://:pw@cache:6379", Reachable: true}}})
	if err := srv.Publish(rep); err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range []string{"/api/performance/health", "/api/performance/report"} {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, w.Code)
	}
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/performance/report", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	srv.ServeHTTP(w, req)
	fmt.Println("/api/performance/report with the token", w.Code)
	// Output:
	// /api/performance/health 200
	// /api/performance/report 401
	// /api/performance/report with the token 200
}
