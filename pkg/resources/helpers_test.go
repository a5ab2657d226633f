package resources_test

import (
	"slices"
	"strconv"
	"testing"
)

func parseID(t *testing.T, s string) uint64 {
	t.Helper()
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("leak id %q is not a number: %v", s, err)
	}
	return id
}

func equalIDs(a, b []uint64) bool { return slices.Equal(a, b) }
