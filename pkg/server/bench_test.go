package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/resync-dev/resync/internal/output"
)

// discardWriter is a ResponseWriter that throws the body away, so the
// benchmark measures the server, not a recorder's buffer growth.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkServeReport is one GET /api/performance/report through the
// handler: the body was encoded once by Publish.
func BenchmarkServeReport(b *testing.B) {
	s, err := New(Options{Leaks: (&fakeLeaks{}).scan})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Publish(degradedReport()); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, PathReport, nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, req)
	}
}

// BenchmarkEncodeReport is what each request would cost if the report were
// encoded per request instead of once per interval.
func BenchmarkEncodeReport(b *testing.B) {
	r := degradedReport()
	b.ReportAllocs()
	for b.Loop() {
		if err := output.EncodeJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
