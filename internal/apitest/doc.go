// Package apitest holds the test that the exported API of resync's public
// packages does not change by accident: see api_test.go and testdata/*.api.
package apitest
