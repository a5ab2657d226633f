package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/resync-dev/resync/internal/output"
	"github.com/resync-dev/resync/pkg/report"
)

// published is one report with every endpoint's body encoded once. It is
// immutable once stored, so handlers read it without a lock.
type published struct {
	rep *report.Report

	report          []byte // the whole report
	cacheMetrics    []byte // {cache: metrics}
	cacheRecs       []byte // {cache: [recommendation]}
	poolMetrics     []byte // {pool: metrics}
	poolRecs        []byte // {pool: [recommendation]}
	resourceStats   []byte // {active_count, by_kind}
	health          []byte // {status, reasons}
	healthCode      int    // 200 healthy or degraded, 503 otherwise
	lastModifiedHdr []string
}

// ResourceStats is the body of /resources/stats: the report's resources
// section without the leaks (which have their own endpoint).
type ResourceStats struct {
	ActiveCount int                         `json:"active_count"`
	ByKind      map[string]report.KindStats `json:"by_kind"`
}

// Health is the body of /health, public: the status and generic reasons
// (publicReasons).
type Health struct {
	Status  string   `json:"status"` // healthy | degraded | critical
	Reasons []string `json:"reasons"`
}

// Publish makes r the report every endpoint answers from, encoding each
// body once. The serve loop calls it every interval; r must not be changed
// afterwards. On an error (a number JSON cannot hold, such as NaN) the
// previous report stays in place.
func (s *Server) Publish(r *report.Report) error {
	if r == nil {
		return errors.New("publish: nil report")
	}
	p, err := encodeReport(r)
	if err != nil {
		return fmt.Errorf("publish report of %s: %w", r.Timestamp.Format("2006-01-02T15:04:05Z"), err)
	}
	s.current.Store(p)
	return nil
}

func encodeReport(r *report.Report) (*published, error) {
	p := &published{rep: r, healthCode: healthCode(r.OverallHealth)}
	cacheMetrics := make(map[string]report.CacheMetrics, len(r.Caches))
	cacheRecs := make(map[string][]report.Recommendation, len(r.Caches))
	for name, c := range r.Caches {
		cacheMetrics[name] = c.Metrics
		cacheRecs[name] = nonNil(c.Recommendations)
	}
	poolMetrics := make(map[string]report.PoolMetrics, len(r.Pools))
	poolRecs := make(map[string][]report.Recommendation, len(r.Pools))
	for name, pe := range r.Pools {
		poolMetrics[name] = pe.Metrics
		poolRecs[name] = nonNil(pe.Recommendations)
	}
	byKind := r.Resources.ByKind
	if byKind == nil {
		byKind = map[string]report.KindStats{}
	}
	// The whole report is written by the report's own JSON renderer, so the
	// body is byte for byte what "resync report -o json" prints.
	var whole bytes.Buffer
	if err := output.EncodeJSON(&whole, r); err != nil {
		return nil, err
	}
	p.report = whole.Bytes()
	parts := []struct {
		dst *[]byte
		v   any
	}{
		{&p.cacheMetrics, cacheMetrics},
		{&p.cacheRecs, cacheRecs},
		{&p.poolMetrics, poolMetrics},
		{&p.poolRecs, poolRecs},
		{&p.resourceStats, ResourceStats{ActiveCount: r.Resources.ActiveCount, ByKind: byKind}},
		{&p.health, Health{Status: r.OverallHealth, Reasons: publicReasons(r)}},
	}
	for _, part := range parts {
		b, err := encodeJSON(part.v)
		if err != nil {
			return nil, err
		}
		*part.dst = b
	}
	if !r.Timestamp.IsZero() {
		p.lastModifiedHdr = []string{r.Timestamp.UTC().Format(http.TimeFormat)}
	}
	return p, nil
}

// encodeJSON encodes v indented, with a final newline, without escaping
// <, > and & (the bodies are JSON, never HTML).
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// healthCode is 200 for healthy and degraded, 503 for critical and for any
// value the server does not know (failing safe).
func healthCode(status string) int {
	switch status {
	case report.HealthHealthy, report.HealthDegraded:
		return http.StatusOK
	default:
		return http.StatusServiceUnavailable
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
