package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Paths served. Every /api/performance body is a part of the report JSON.
const (
	PathPrefix                = "/api/performance"
	PathReport                = PathPrefix + "/report"
	PathHealth                = PathPrefix + "/health"
	PathCacheMetrics          = PathPrefix + "/cache/metrics"
	PathCacheRecommendations  = PathPrefix + "/cache/recommendations"
	PathPoolsMetrics          = PathPrefix + "/pools/metrics"
	PathPoolsRecommendations  = PathPrefix + "/pools/recommendations"
	PathResourcesStats        = PathPrefix + "/resources/stats"
	PathResourcesLeaks        = PathPrefix + "/resources/leaks"
	PathMetrics               = "/metrics"
	ParamMaxLifetimeSeconds   = "max_lifetime_seconds"
	maxParamEcho              = 40 // longest rejected value quoted back in an error
	unknownRouteLabel         = "other"
	noReportYet               = "no report has been built yet: retry in a moment"
	retryAfterNoReportSeconds = "1"
)

// Paths lists every path the server answers, for help texts and tests.
func Paths() []string {
	return []string{
		PathReport, PathHealth, PathCacheMetrics, PathCacheRecommendations,
		PathPoolsMetrics, PathPoolsRecommendations, PathResourcesStats,
		PathResourcesLeaks, PathMetrics,
	}
}

// route is one endpoint: its path, the query parameters it accepts, whether
// it needs the token, and its handler.
type route struct {
	path   string
	params []string
	public bool
	serve  func(w http.ResponseWriter, r *http.Request, q url.Values)
}

func (s *Server) newRoutes(metrics http.Handler) map[string]*route {
	static := func(pick func(*published) []byte) func(http.ResponseWriter, *http.Request, url.Values) {
		return func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
			p := s.current.Load()
			if p == nil {
				w.Header().Set("Retry-After", retryAfterNoReportSeconds)
				writeError(w, http.StatusServiceUnavailable, noReportYet)
				return
			}
			if p.lastModifiedHdr != nil {
				w.Header()["Last-Modified"] = p.lastModifiedHdr
			}
			writeBody(w, http.StatusOK, pick(p))
		}
	}
	rs := []*route{
		{path: PathReport, serve: static(func(p *published) []byte { return p.report })},
		{path: PathCacheMetrics, serve: static(func(p *published) []byte { return p.cacheMetrics })},
		{path: PathCacheRecommendations, serve: static(func(p *published) []byte { return p.cacheRecs })},
		{path: PathPoolsMetrics, serve: static(func(p *published) []byte { return p.poolMetrics })},
		{path: PathPoolsRecommendations, serve: static(func(p *published) []byte { return p.poolRecs })},
		{path: PathResourcesStats, serve: static(func(p *published) []byte { return p.resourceStats })},
		{path: PathResourcesLeaks, params: []string{ParamMaxLifetimeSeconds}, serve: s.serveLeaks},
		{path: PathHealth, public: true, serve: s.serveHealth},
		{path: PathMetrics, serve: func(w http.ResponseWriter, r *http.Request, _ url.Values) { metrics.ServeHTTP(w, r) }},
	}
	m := make(map[string]*route, len(rs))
	for _, rt := range rs {
		m[rt.path] = rt
	}
	return m
}

func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request, _ url.Values) {
	p := s.current.Load()
	if p == nil {
		w.Header().Set("Retry-After", retryAfterNoReportSeconds)
		writeError(w, http.StatusServiceUnavailable, noReportYet)
		return
	}
	writeBody(w, p.healthCode, p.health)
}

// query parses the raw query strictly: a malformed query, an unknown
// parameter or a repeated one is refused, naming it, so a typo such as
// max_lifetime=60 is not silently ignored.
func (rt *route) query(raw string) (q url.Values, param, msg string) {
	if raw == "" {
		return nil, "", ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, "", "malformed query string: " + err.Error()
	}
	for name, vs := range q {
		if !slices.Contains(rt.params, name) {
			if len(rt.params) == 0 {
				return nil, clip(name), "unknown query parameter: " + rt.path + " takes none"
			}
			return nil, clip(name), "unknown query parameter: " + rt.path + " takes only " + strings.Join(rt.params, ", ")
		}
		if len(vs) > 1 {
			return nil, name, name + " given more than once: give it once"
		}
	}
	return q, "", ""
}

// clip shortens a client-supplied string before it is quoted back.
func clip(s string) string {
	if len(s) <= maxParamEcho {
		return s
	}
	return s[:maxParamEcho] + "…"
}
