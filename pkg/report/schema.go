package report

import _ "embed"

//go:embed schema/report.schema.json
var schemaJSON []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of the report JSON,
// every field documented. The file is pkg/report/schema/report.schema.json.
func JSONSchema() []byte { return append([]byte(nil), schemaJSON...) }
