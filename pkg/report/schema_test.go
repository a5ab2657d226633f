package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/resync-dev/resync/internal/output"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles the named schema (see SchemaNames), its
// cross-file $refs loaded by SchemaLoader, formats (date-time) asserted.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(SchemaLoader{})
	sch, err := c.Compile(SchemaID(name))
	if err != nil {
		t.Fatalf("compiling the %s schema: %v", name, err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return sch.Validate(v)
}

// TestSchemaValidatesBuildOutput: every fixture, the benchmark's large
// report and a pools-only report conform to the schema.
func TestSchemaValidatesBuildOutput(t *testing.T) {
	sch := compileSchema(t, SchemaReport)
	inputs := map[string]Input{"bench": benchInput()}
	for _, f := range fixtures {
		inputs[f.name] = f.in()
	}
	poolsOnly := degradedInput()
	poolsOnly.Caches, poolsOnly.Leaks, poolsOnly.Targets = nil, nil, nil
	inputs["pools-only"] = poolsOnly
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			out := render(t, output.Options{Format: output.JSON}, Build(in))
			if err := validate(t, sch, out); err != nil {
				t.Errorf("report does not match the schema: %v", err)
			}
		})
	}
}

// TestSchemaRejects: the schema is strict enough to catch pre-formatted
// numbers, missing fields, undocumented fields and out-of-range ratios.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t, SchemaReport)
	base := render(t, output.Options{Format: output.JSON}, Build(degradedInput()))
	tests := []struct {
		name string
		mod  func(m map[string]any)
	}{
		{"pre-formatted hit rate", func(m map[string]any) { cacheMetrics(m)["hit_rate"] = "85.5%" }},
		{"ratio above 1", func(m map[string]any) { cacheMetrics(m)["eviction_rate"] = 1.5 }},
		{"missing overall_health", func(m map[string]any) { delete(m, "overall_health") }},
		{"unknown health", func(m map[string]any) { m["overall_health"] = "fine" }},
		{"undocumented field", func(m map[string]any) { m["extra"] = true }},
		{"wrong schema version", func(m map[string]any) { m["schema_version"] = 2 }},
		{"timestamp not RFC 3339", func(m map[string]any) { m["timestamp"] = "15/01/2026 10:30" }},
		{"score above 100", func(m map[string]any) {
			p := m["connection_pools"].(map[string]any)["database"].(map[string]any)
			p["efficiency_score"] = 101
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(base, &m); err != nil {
				t.Fatal(err)
			}
			tt.mod(m)
			doc, _ := json.Marshal(m)
			if err := validate(t, sch, doc); err == nil {
				t.Error("the schema accepted it")
			}
		})
	}
}

func cacheMetrics(m map[string]any) map[string]any {
	return m["caches"].(map[string]any)["default"].(map[string]any)["metrics"].(map[string]any)
}

// TestSchemaDocumentsEveryField: in every schema, every property and
// definition carries a description, and every object with properties is
// closed (additionalProperties false) with a required list naming only its
// properties. That every field the Go types emit is in the schema is what
// the validations of real output show.
func TestSchemaDocumentsEveryField(t *testing.T) {
	for _, name := range SchemaNames() {
		t.Run(name, func(t *testing.T) {
			b, _ := Schema(name)
			var root map[string]any
			if err := json.Unmarshal(b, &root); err != nil {
				t.Fatal(err)
			}
			if root["$id"] != SchemaID(name) {
				t.Errorf("$id %v, want %s", root["$id"], SchemaID(name))
			}
			var problems []string
			var walk func(path string, node map[string]any)
			walk = func(path string, node map[string]any) {
				if _, ok := node["description"]; !ok {
					problems = append(problems, path+": no description")
				}
				if props, ok := node["properties"].(map[string]any); ok {
					if node["additionalProperties"] != false {
						problems = append(problems, path+": not closed (additionalProperties false)")
					}
					req, ok := node["required"].([]any)
					if !ok {
						problems = append(problems, path+": no required list")
					}
					for _, r := range req {
						if _, ok := props[r.(string)]; !ok {
							problems = append(problems, fmt.Sprintf("%s: required %v is no property", path, r))
						}
					}
					for k, v := range props {
						walk(path+"."+k, v.(map[string]any))
					}
				}
				if ap, ok := node["additionalProperties"].(map[string]any); ok && ap["$ref"] == nil && ap["type"] == "object" {
					walk(path+".*", ap)
				}
			}
			walk("$", root)
			for n, d := range root["$defs"].(map[string]any) {
				walk("$defs."+n, d.(map[string]any))
			}
			slices.Sort(problems)
			if len(problems) > 0 {
				t.Errorf("%s.schema.json:\n%s", name, strings.Join(problems, "\n"))
			}
		})
	}
}

// TestSchemaNames: each name gives its file; an unknown name or $id gives
// nothing.
func TestSchemaNames(t *testing.T) {
	for _, name := range SchemaNames() {
		if b, ok := Schema(name); !ok || !json.Valid(b) {
			t.Errorf("Schema(%q): ok %v, valid JSON %v", name, ok, json.Valid(b))
		}
	}
	for _, name := range []string{"", "Report", "report.schema.json", "../schema/report", "thresholds"} {
		if _, ok := Schema(name); ok {
			t.Errorf("Schema(%q) found a schema", name)
		}
	}
	for _, url := range []string{SchemaID("thresholds"), "https://json-schema.org/draft/2020-12/schema",
		"https://github.com/resync-dev/resync/pkg/report/schema/report.json", "report.schema.json"} {
		if _, err := (SchemaLoader{}).Load(url); err == nil {
			t.Errorf("SchemaLoader loaded %s", url)
		}
	}
	if rep, _ := Schema(SchemaReport); !bytes.Equal(JSONSchema(), rep) {
		t.Error("JSONSchema() is not the report schema")
	}
}

// TestSchemaCoversOptionalFields: the optional fields (target error, pool
// latency and last error, leak created/stack/evidence) appear in a fixture,
// so the validation above exercises their schemas.
func TestSchemaCoversOptionalFields(t *testing.T) {
	out := string(render(t, output.Options{Format: output.JSON}, Build(criticalInput()))) +
		string(render(t, output.Options{Format: output.JSON}, Build(degradedInput())))
	for _, field := range []string{"error", "latency_ms", "last_error", "created", "stack", "evidence"} {
		if !strings.Contains(out, fmt.Sprintf("%q:", field)) {
			t.Errorf("no fixture emits %q", field)
		}
	}
}
