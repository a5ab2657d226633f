package report

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:embed schema/*.schema.json
var schemaFS embed.FS

// JSONSchema returns the JSON Schema (draft 2020-12) of the report JSON,
// every field documented. The file is pkg/report/schema/report.schema.json.
func JSONSchema() []byte {
	b, _ := Schema(SchemaReport)
	return b
}

// Names of the schemas Schema returns, one per command result.
const (
	SchemaReport     = "report"     // Report: resync report -o json, GET /api/performance/report
	SchemaPoolStats  = "pool-stats" // PoolStats: resync pools stats -o json
	SchemaSizing     = "sizing"     // Sizing: resync pools recommend -o json
	SchemaLeaks      = "leaks"      // Leaks: resync leaks -o json
	SchemaSimulation = "simulation" // Simulation: resync cache simulate -o json
)

// SchemaNames lists the schemas, the report's first.
func SchemaNames() []string {
	return []string{SchemaReport, SchemaPoolStats, SchemaSizing, SchemaLeaks, SchemaSimulation}
}

// Schema returns the JSON Schema (draft 2020-12) of one command's JSON,
// every field documented with its unit, from
// pkg/report/schema/<name>.schema.json; false for an unknown name.
//
// pool-stats, sizing and simulation share definitions with the report's
// schema through "$ref": "report.schema.json#/…", relative to their $id
// (https://github.com/resync-dev/resync/pkg/report/schema/<name>.schema.json):
// a validator needs the report's schema loaded under its $id as well
// (SchemaLoader does that). leaks is self-contained.
func Schema(name string) ([]byte, bool) {
	if !slices.Contains(SchemaNames(), name) {
		return nil, false
	}
	b, err := schemaFS.ReadFile("schema/" + name + ".schema.json") // a copy
	return b, err == nil
}

// schemaBase is the $id of every schema without its file name.
const schemaBase = "https://github.com/resync-dev/resync/pkg/report/schema/"

// SchemaID is the $id of the named schema, the base its relative $refs
// resolve against.
func SchemaID(name string) string { return schemaBase + name + ".schema.json" }

// SchemaLoader gives a JSON Schema validator the schemas by their $id, so
// that the cross-file $refs resolve without network access. It fits
// github.com/santhosh-tekuri/jsonschema/v6's URLLoader (numbers are decoded
// as json.Number, as that package expects):
//
//	c := jsonschema.NewCompiler()
//	c.UseLoader(report.SchemaLoader{})
//	sch, err := c.Compile(report.SchemaID(report.SchemaSizing))
type SchemaLoader struct{}

// Load returns the decoded schema whose $id is url.
func (SchemaLoader) Load(url string) (any, error) {
	name, ok := strings.CutPrefix(url, schemaBase)
	name, isFile := strings.CutSuffix(name, ".schema.json")
	b, found := Schema(name)
	if !ok || !isFile || !found {
		return nil, fmt.Errorf("%s is not one of resync's schemas (%s<name>.schema.json, name one of %s)",
			url, schemaBase, strings.Join(SchemaNames(), ", "))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return doc, nil
}
