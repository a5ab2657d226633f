package report

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/workload"
)

// series builds a per-second series from "ops/errors" pairs.
func series(pairs ...[2]uint64) []workload.Point {
	out := make([]workload.Point, len(pairs))
	for i, p := range pairs {
		out[i] = workload.Point{Second: i, Ops: p[0], Errors: p[1]}
	}
	return out
}

func TestOutageWindows(t *testing.T) {
	ok, down, idle := [2]uint64{100, 0}, [2]uint64{40, 40}, [2]uint64{0, 0}
	some := [2]uint64{100, 5} // errors, but also successes: not an outage
	tests := []struct {
		name   string
		series []workload.Point
		want   []OutageWindow
	}{
		{"empty", nil, nil},
		{"healthy", series(ok, ok, ok), nil},
		{"errors with successes every second", series(some, some, some, some), nil},
		{"one second down is noise", series(ok, down, ok, ok), nil},
		{"two seconds down", series(ok, down, down, ok), []OutageWindow{{From: 1, To: 3, Errors: 80}}},
		{"3 s refusal in an 8 s run", series(ok, ok, ok, down, down, down, ok, ok),
			[]OutageWindow{{From: 3, To: 6, Errors: 120}}},
		{"down from the start", series(down, down, ok), []OutageWindow{{From: 0, To: 2, Errors: 80}}},
		{"down to the end", series(ok, down, down), []OutageWindow{{From: 1, To: 3, Errors: 80}}},
		{"a silent second inside belongs to the window", series(ok, down, idle, down, ok),
			[]OutageWindow{{From: 1, To: 4, Errors: 80}}},
		{"silent seconds at the edges do not", series(ok, idle, down, idle, ok), nil},
		{"no operation at all is not an outage", series(idle, idle, idle), nil},
		{"two windows", series(down, down, ok, down, down, down),
			[]OutageWindow{{From: 0, To: 2, Errors: 80}, {From: 3, To: 6, Errors: 120}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OutageWindows(tt.series); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OutageWindows = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOutageRecommendation(t *testing.T) {
	ok, down := [2]uint64{100, 0}, [2]uint64{40, 40}
	tests := []struct {
		name    string
		series  []workload.Point
		want    bool
		message string
		from    float64
	}{
		{"none", series(ok, down, ok), false, "", 0},
		{"one window", series(ok, ok, ok, down, down, down, ok, ok), true,
			"No successful operation from second 3 to 6 (3 s, 120 failed): the target was down or refusing connections.", 3},
		{"the longest of several is named", series(down, down, ok, down, down, down, ok), true,
			"No successful operation from second 3 to 6 (3 s, 120 failed; 2 such windows, 5 s in all): the target was down or refusing connections.", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, got := OutageRecommendation("redis", tt.series)
			if got != tt.want {
				t.Fatalf("found = %v, want %v (%+v)", got, tt.want, rec)
			}
			if !got {
				return
			}
			if rec.ID != RulePoolOutage || rec.Severity != SeverityCritical || rec.Subject != "redis" || rec.Suggestion == "" {
				t.Errorf("rec %+v", rec)
			}
			if rec.Message != tt.message {
				t.Errorf("message\n got %q\nwant %q", rec.Message, tt.message)
			}
			if rec.Evidence["from_second"] != tt.from {
				t.Errorf("evidence %v", rec.Evidence)
			}
		})
	}
}

// The help states the threshold the code uses.
func TestOutageHelpNamesTheThreshold(t *testing.T) {
	if want := fmt.Sprintf("%d s or more in a row", OutageMinSeconds); !strings.Contains(HelpText, want) {
		t.Errorf("HelpText does not say %q", want)
	}
}
