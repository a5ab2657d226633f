package server

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/resync-dev/resync/pkg/report"
)

// Server answers the API from the last published report. It is an
// http.Handler; Serve runs it on a listener with timeouts and a graceful
// shutdown. Create it with New.
type Server struct {
	opts     Options
	auth     bearer
	current  atomic.Pointer[published]
	routes   map[string]*route
	registry *prometheus.Registry
	api      *apiMetrics
	scans    *scanGroup

	// base is the parent context of leak scans; Serve cancels it when it
	// starts shutting down, so a long scan does not hold the shutdown up.
	base     context.Context
	stopBase context.CancelFunc
	served   atomic.Bool
	http     atomic.Pointer[http.Server]
}

// New returns a Server. Nothing is served until a report is published:
// until then the report endpoints answer 503.
func New(opts Options) (*Server, error) {
	if opts.Leaks == nil {
		return nil, errors.New("server: Options.Leaks is required (the leak scan behind /resources/leaks)")
	}
	opts = opts.withDefaults()
	s := &Server{
		opts:     opts,
		auth:     newBearer(opts.Token),
		registry: prometheus.NewRegistry(),
		api:      newAPIMetrics(),
		scans:    newScanGroup(MaxConcurrentScans),
	}
	s.base, s.stopBase = context.WithCancel(context.Background())
	if err := s.register(opts.Collectors); err != nil {
		return nil, err
	}
	s.routes = s.newRoutes(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
	}))
	return s, nil
}

// Registry is the server's own Prometheus registry (never the global
// default one), for tests and for callers that gather it directly.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// ReportCollector exports the last published report with the same metric
// names as /metrics (resync_pool_*, resync_cache_*, resync_resources_*,
// resync_health_status), for registering on another registry — an
// embedding service's own. It reads the report current at each scrape.
func (s *Server) ReportCollector() prometheus.Collector {
	return &reportCollector{load: s.currentReport}
}

// ServeHTTP routes one request: method, body, token, path, query, in that
// order, each refused with a JSON error.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := s.routes[r.URL.Path]
	sw := &statusWriter{ResponseWriter: w}
	done := s.api.start(rt)
	s.serve(sw, r, rt)
	done(sw.status())
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: this API is read-only, use GET or HEAD")
		return
	}
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		// Close the connection rather than read a body nobody asked for.
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, "request bodies are not accepted: this API is read-only")
		return
	}
	if rt == nil || !rt.public {
		if st := s.auth.check(r); st != authOK {
			deny(w, st)
			return
		}
	}
	if rt == nil {
		writeError(w, http.StatusNotFound, "no such endpoint: see "+PathPrefix+"/{report,health,cache/metrics,cache/recommendations,pools/metrics,pools/recommendations,resources/stats,resources/leaks} and /metrics")
		return
	}
	q, bad, msg := rt.query(r.URL.RawQuery)
	if msg != "" {
		writeParamError(w, bad, msg)
		return
	}
	rt.serve(w, r, q)
}

// statusWriter remembers the status code for the request metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// currentReport is the last published report, nil before the first.
func (s *Server) currentReport() *report.Report {
	if p := s.current.Load(); p != nil {
		return p.rep
	}
	return nil
}
