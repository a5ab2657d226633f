// Package server is the HTTP API of "resync serve": the /api/performance/*
// endpoints, whose bodies are parts of the report JSON (DESIGN.md, "Report
// JSON"), and /metrics in the Prometheus exposition format.
//
// The server never builds a report itself. The serve loop builds one every
// interval and hands it to Publish, which encodes every endpoint's body once;
// a request then costs a copy of bytes, not a rebuild or an encoding. Only
// /api/performance/resources/leaks does work per request: a fresh leak scan
// with the caller's threshold, through Options.Leaks, bounded in time and
// shared by concurrent callers asking for the same threshold. Its body names
// the targets whose server sessions were inspected and those that could not
// be (with the reason, redacted), so that "no leaks" never stands for "not
// looked at".
//
// The API is read-only and meant for loopback or a trusted network: GET and
// HEAD only, no request bodies, strict query parameters, JSON errors, server
// timeouts, and an optional bearer token (compared in constant time) on
// every path but /api/performance/health.
//
// The package never prints; it logs through an injected *slog.Logger.
package server
