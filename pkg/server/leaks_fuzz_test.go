package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzLeaksQuery: any query string gets a JSON 200 or 400, never a panic,
// and an accepted threshold is positive and within the limit.
func FuzzLeaksQuery(f *testing.F) {
	for _, seed := range []string{"", "max_lifetime_seconds=3600", "max_lifetime_seconds=-1", "max_lifetime_seconds=1e300",
		"max_lifetime_seconds=0x10", "max_lifetime_seconds=1e-10", "a=b&c", "%zz", "max_lifetime_seconds=1&max_lifetime_seconds=2"} {
		f.Add(seed)
	}
	fl := &fakeLeaks{}
	s, err := New(Options{Leaks: fl.scan})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Publish(degradedReport()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, PathResourcesLeaks, nil)
		req.URL.RawQuery = raw // whatever a client could put on the wire
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			calls := fl.thresholds()
			d := calls[len(calls)-1]
			if d <= 0 || d > time.Duration(MaxLifetimeLimit*float64(time.Second)) {
				t.Fatalf("query %q accepted with threshold %v", raw, d)
			}
		case http.StatusBadRequest:
			var eb ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error == "" {
				t.Fatalf("query %q: 400 body %q is not a JSON error", raw, rec.Body)
			}
		default:
			t.Fatalf("query %q: status %d", raw, rec.Code)
		}
	})
}
