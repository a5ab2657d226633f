// Package testenv gives integration tests the URLs of the real services
// (DESIGN.md, "Test services"). A test that needs a service calls one of
// the functions below: when the variable is unset the test is skipped with
// a message, unless RESYNC_TEST_REQUIRE_SERVICES=1 (set by .ci/run), where
// it fails instead.
package testenv

import (
	"os"
	"testing"
)

// Environment variables read by integration tests.
const (
	PostgresVar = "RESYNC_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	MySQLVar    = "RESYNC_TEST_MYSQL_URL"    // e.g. mysql://root@127.0.0.1:3306/test
	RedisVar    = "RESYNC_TEST_REDIS_URL"    // e.g. redis://127.0.0.1:6379/0
	RequireVar  = "RESYNC_TEST_REQUIRE_SERVICES"
)

// PostgresURL returns the PostgreSQL test URL or skips the test.
func PostgresURL(tb testing.TB) string { return lookup(tb, PostgresVar) }

// MySQLURL returns the MySQL/MariaDB test URL or skips the test.
func MySQLURL(tb testing.TB) string { return lookup(tb, MySQLVar) }

// RedisURL returns the Redis test URL or skips the test.
func RedisURL(tb testing.TB) string { return lookup(tb, RedisVar) }

// Required reports whether missing services must fail the run.
func Required() bool { return os.Getenv(RequireVar) == "1" }

func lookup(tb testing.TB, name string) string {
	tb.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	if Required() {
		tb.Fatalf("%s is not set but %s=1: start the service and export the variable (see .ci/run)", name, RequireVar)
	}
	tb.Skipf("%s is not set: skipping integration test (export it to run against a real server, see README)", name)
	return ""
}
