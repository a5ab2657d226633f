// Package reporttest checks command output against pkg/report's JSON
// Schemas in tests.
package reporttest

import (
	"bytes"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/resync-dev/resync/pkg/report"
)

// MatchesSchema reports whether doc is JSON that conforms to the named
// schema (report.SchemaReport, SchemaLeaks, …), formats asserted and the
// schemas' cross-file references resolved offline. The error says what
// does not match.
func MatchesSchema(name string, doc []byte) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(report.SchemaLoader{})
	sch, err := c.Compile(report.SchemaID(name))
	if err != nil {
		return fmt.Errorf("compiling %s: %w", name, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("does not match %s.schema.json: %w", name, err)
	}
	return nil
}
