package reporttest

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/report"
)

func TestMatchesSchema(t *testing.T) {
	tests := []struct {
		name, schema, doc, wantErr string
	}{
		{"not JSON", report.SchemaLeaks, "{", "not JSON"},
		{"missing fields", report.SchemaLeaks, "{}", "does not match leaks.schema.json"},
		{"unknown schema", "nope", "{}", "compiling nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MatchesSchema(tt.schema, []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("MatchesSchema = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
