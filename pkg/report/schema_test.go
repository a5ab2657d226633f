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

const schemaURL = "https://github.com/resync-dev/resync/pkg/report/schema/report.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
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
	sch := compileSchema(t)
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
	sch := compileSchema(t)
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

// TestSchemaDocumentsEveryField: every property and definition carries a
// description, and every field the Go types emit is in the schema.
func TestSchemaDocumentsEveryField(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(JSONSchema(), &root); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(path string, node map[string]any)
	walk = func(path string, node map[string]any) {
		if _, ok := node["description"]; !ok {
			missing = append(missing, path)
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for k, v := range props {
				walk(path+"."+k, v.(map[string]any))
			}
		}
		if ap, ok := node["additionalProperties"].(map[string]any); ok && ap["$ref"] == nil && ap["type"] == "object" {
			walk(path+".*", ap)
		}
	}
	walk("$", root)
	for name, d := range root["$defs"].(map[string]any) {
		walk("$defs."+name, d.(map[string]any))
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("no description at:\n%s", strings.Join(missing, "\n"))
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
