package prom

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/resync-dev/resync/internal/testenv"
)

// TestLiveDBStats scrapes client_golang's DBStats collector over a real
// database/sql pool on the test PostgreSQL, in both formats promhttp
// negotiates, and checks the deltas against the traffic the test drove.
func TestLiveDBStats(t *testing.T) {
	db, err := sql.Open("pgx", testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(db, "live"))
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, accept, format string
	}{
		{"protobuf", Accept, "protobuf"},
		{"text", "text/plain", "text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := Scraper{Client: &http.Client{Transport: acceptTransport(tt.accept)}}
			before, err := s.Scrape(ctx, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if before.Format != tt.format {
				t.Errorf("format = %q, want %q", before.Format, tt.format)
			}
			// Hold both connections, so 3 more queries must wait.
			c1, _ := db.Conn(ctx)
			c2, _ := db.Conn(ctx)
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
						t.Error(err)
					}
				})
			}
			waitFor(t, func() bool { return db.Stats().WaitCount >= before0(before)+3 })
			mid, err := s.Scrape(ctx, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			c1.Close()
			c2.Close()
			wg.Wait()
			after, err := s.Scrape(ctx, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			midPool := find(t, Delta(before, mid), "pool/sql/live")
			if midPool.Values[InUse] != 2 || midPool.Values[Max] != 2 {
				t.Errorf("while held: in_use %v max %v, want 2 and 2", midPool.Values[InUse], midPool.Values[Max])
			}
			if u, ok := midPool.Utilization(); !ok || u != 1 {
				t.Errorf("utilization while held = %v %v, want 1", u, ok)
			}
			d := find(t, Delta(before, after), "pool/sql/live")
			if d.Deltas[Waits] != 3 {
				t.Errorf("waits delta = %v, want 3 (three queries queued behind two held connections)", d.Deltas[Waits])
			}
			if d.Deltas[WaitSeconds] <= 0 {
				t.Errorf("wait seconds delta = %v, want > 0", d.Deltas[WaitSeconds])
			}
			if len(d.Reset) != 0 {
				t.Errorf("reset = %v", d.Reset)
			}
		})
	}
}

func before0(s *Snapshot) int64 {
	for _, e := range s.Entities {
		if e.Key() == "pool/sql/live" {
			return int64(e.Values[Waits])
		}
	}
	return 0
}

func find(t *testing.T, cs []Change, key string) Change {
	t.Helper()
	for _, c := range cs {
		if c.Key() == key {
			return c
		}
	}
	t.Fatalf("no %s in %d changes", key, len(cs))
	return Change{}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type acceptTransport string

func (a acceptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", string(a))
	return http.DefaultTransport.RoundTrip(r)
}

func TestScrapeFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>login</html>")
		case "/big":
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			for i := range 200 {
				fmt.Fprintf(w, "# HELP x%d %s\n", i, strings.Repeat("y", 100))
			}
		case "/ok":
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			fmt.Fprint(w, "go_sql_open_connections{db_name=\"a\"} 1\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	tests := []struct {
		path, want string
		notProm    bool
	}{
		{"/html", "not a Prometheus exposition: content type \"text/html\"", true},
		{"/big", "body larger than 1000 bytes", false},
		{"/missing", "HTTP 404 Not Found", false},
	}
	s := Scraper{MaxBody: 1000}
	secret := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := s.Scrape(context.Background(), secret+tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || IsNotPrometheus(err) != tt.notProm {
				t.Errorf("err = %q (not-prometheus %v), want %q (%v)", err, IsNotPrometheus(err), tt.want, tt.notProm)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password in %q", err)
			}
		})
	}
	if _, err := s.Scrape(context.Background(), srv.URL+"/ok"); err != nil {
		t.Errorf("small body: %v", err)
	}
	_, err := s.Scrape(context.Background(), "http://admin:hunter2@127.0.0.1:1/metrics")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("refused: %v", err)
	}
}
