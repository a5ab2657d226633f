// Package adversarial is the before/after harness of issue #18: cases per
// area — secrets (planted passwords × every output), bad inputs (exit 2
// with the input named), time bounds and health (stall, outage, recovery,
// against private servers) — run against a resync binary or in-process,
// tallied as "area | cases | passed".
//
// The whole run is a test behind an environment variable (it needs a
// binary and redis-server, and takes one to two minutes):
//
//	go build -o /tmp/resync . &&
//	RESYNC_ADVERSARIAL_BIN=/tmp/resync go test -run TestAdversarialBinary -v ./internal/adversarial/
//
// The quick form, the secrets and bad-input areas in-process against the
// current tree, is part of go test (TestAdversarialQuick). docs/reliability.md
// records the table for the commit before the #18 fixes and for HEAD.
package adversarial
