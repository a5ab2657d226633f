package server

import (
	"net/http"
	"strconv"
)

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error string `json:"error"`
	// Parameter names the query parameter that was rejected, for 400s.
	Parameter string `json:"parameter,omitempty"`
}

var (
	contentTypeJSON = []string{"application/json; charset=utf-8"}
	noSniff         = []string{"nosniff"}
	noStore         = []string{"no-store"}
)

// writeBody writes a pre-encoded JSON body. Headers are assigned directly
// (no canonicalisation, no allocation for the fixed ones): this is the hot
// path of every report endpoint.
func writeBody(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h["X-Content-Type-Options"] = noSniff
	h["Cache-Control"] = noStore
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(code)
	_, _ = w.Write(body) // a failed write is the client's problem; nothing to do
}

// writeJSON encodes v and writes it with code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		body, _ = encodeJSON(ErrorBody{Error: "internal error: the response could not be encoded"})
		code = http.StatusInternalServerError
	}
	writeBody(w, code, body)
}

// writeError writes {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, ErrorBody{Error: msg})
}

// writeParamError writes a 400 naming the parameter.
func writeParamError(w http.ResponseWriter, param, msg string) {
	writeJSON(w, http.StatusBadRequest, ErrorBody{Error: msg, Parameter: param})
}
