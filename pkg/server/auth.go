package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// bearer checks the Authorization header against the configured token.
// Both sides are hashed first and the digests compared in constant time, so
// neither the token's content nor its length leaks through timing.
type bearer struct {
	want [sha256.Size]byte
	on   bool
}

func newBearer(token string) bearer {
	if token == "" {
		return bearer{}
	}
	return bearer{want: sha256.Sum256([]byte(token)), on: true}
}

// authStatus is the outcome of a check.
type authStatus int

const (
	authOK authStatus = iota
	authMissing
	authInvalid
)

func (b bearer) check(r *http.Request) authStatus {
	if !b.on {
		return authOK
	}
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return authMissing
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if subtle.ConstantTimeCompare(got[:], b.want[:]) != 1 {
		return authInvalid
	}
	return authOK
}

// deny writes the 401 with the challenge RFC 6750 asks for. The token the
// client sent is never echoed.
func deny(w http.ResponseWriter, st authStatus) {
	if st == authInvalid {
		w.Header().Set("WWW-Authenticate", `Bearer realm="resync", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid bearer token: send the token given to resync serve (--token or RESYNC_API_TOKEN)")
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="resync"`)
	writeError(w, http.StatusUnauthorized, "missing bearer token: send the header Authorization: Bearer <token>")
}
