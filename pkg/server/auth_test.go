package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	const token = "s3cret-token"
	on, _ := newTestServer(t, Options{Token: token}, degradedReport())
	off, _ := newTestServer(t, Options{}, degradedReport())
	tests := []struct {
		name      string
		s         *Server
		path      string
		auth      string // Authorization header; "" for none
		code      int
		challenge string // WWW-Authenticate on a 401
	}{
		{"off: no header", off, PathReport, "", 200, ""},
		{"off: any header", off, PathReport, "Bearer whatever", 200, ""},
		{"on: no header", on, PathReport, "", 401, `Bearer realm="resync"`},
		{"on: wrong token", on, PathReport, "Bearer nope", 401, `Bearer realm="resync", error="invalid_token"`},
		{"on: token prefix", on, PathReport, "Bearer s3cret", 401, `Bearer realm="resync", error="invalid_token"`},
		{"on: token with suffix", on, PathReport, "Bearer s3cret-token-x", 401, `Bearer realm="resync", error="invalid_token"`},
		{"on: basic scheme", on, PathReport, "Basic czNjcmV0LXRva2Vu", 401, `Bearer realm="resync"`},
		{"on: bare token", on, PathReport, token, 401, `Bearer realm="resync"`},
		{"on: right token", on, PathReport, "Bearer " + token, 200, ""},
		{"on: scheme is case-insensitive", on, PathReport, "bearer " + token, 200, ""},
		{"on: metrics guarded", on, PathMetrics, "", 401, `Bearer realm="resync"`},
		{"on: metrics with token", on, PathMetrics, "Bearer " + token, 200, ""},
		{"on: leaks guarded", on, PathResourcesLeaks, "Bearer nope", 401, `Bearer realm="resync", error="invalid_token"`},
		{"on: unknown path needs the token first", on, "/secret", "", 401, `Bearer realm="resync"`},
		{"on: unknown path with token", on, "/secret", "Bearer " + token, 404, ""},
		{"on: health is open", on, PathHealth, "", 200, ""},
		{"on: health ignores a wrong token", on, PathHealth, "Bearer nope", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tt.auth != "" {
				hdr["Authorization"] = tt.auth
			}
			rec := do(t, tt.s, http.MethodGet, tt.path, hdr, "")
			if rec.Code != tt.code {
				t.Fatalf("GET %s with %q = %d, want %d", tt.path, tt.auth, rec.Code, tt.code)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if tt.code == 401 {
				assertError(t, rec, "")
			}
			if strings.Contains(rec.Body.String(), token) || (tt.auth != "" && tt.code == 401 && strings.Contains(rec.Body.String(), strings.TrimPrefix(tt.auth, "Bearer "))) {
				t.Errorf("a token was echoed: %s", rec.Body)
			}
		})
	}
}
