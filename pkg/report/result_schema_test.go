package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resync-dev/resync/internal/output"
)

// resultDocs are the JSON documents each command's schema must accept: the
// commands' golden files and this package's fixtures, by schema name.
func resultDocs(t *testing.T) map[string]map[string][]byte {
	t.Helper()
	golden := func(path string) []byte {
		b, err := os.ReadFile(filepath.FromSlash(path))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return map[string]map[string][]byte{
		SchemaPoolStats: {
			"testdata/pool-stats.json.golden": golden("testdata/pool-stats.json.golden"),
			"fixture":                         encodeJSON(t, poolStatsFixture()),
		},
		SchemaSizing: {
			"cmd/poolscmd/testdata/recommend.json.golden": golden("../../cmd/poolscmd/testdata/recommend.json.golden"),
			"fixture": encodeJSON(t, sizingFixture()),
		},
		SchemaLeaks: {
			"cmd/leakscmd/testdata/report.json.golden": golden("../../cmd/leakscmd/testdata/report.json.golden"),
			"fixture": encodeJSON(t, leaksFixture()),
		},
		SchemaSimulation: {
			"cmd/cachecmd/testdata/simulate_json.golden": golden("../../cmd/cachecmd/testdata/simulate_json.golden"),
			"fixture": encodeJSON(t, simulationFixture()),
		},
	}
}

func encodeJSON(t *testing.T, v output.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := output.Render(&buf, v, output.Options{Format: output.JSON}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPoolStatsJSONGolden keeps a pools stats JSON in testdata (the command
// has no JSON golden of its own: its output is measured, not fixed).
func TestPoolStatsJSONGolden(t *testing.T) {
	got := encodeJSON(t, poolStatsFixture())
	path := filepath.Join("testdata", "pool-stats.json.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("pools stats JSON differs from %s (run go test -update if intended):\n%s", path, got)
	}
	if bytes.Contains(got, []byte(plantedPassword)) {
		t.Error("password in the output")
	}
}

// TestResultSchemasValidate: every golden file and fixture of each command
// conforms to its schema.
func TestResultSchemasValidate(t *testing.T) {
	for name, docs := range resultDocs(t) {
		sch := compileSchema(t, name)
		for src, doc := range docs {
			t.Run(name+"/"+src, func(t *testing.T) {
				if err := validate(t, sch, doc); err != nil {
					t.Errorf("does not match %s.schema.json: %v", name, err)
				}
			})
		}
	}
}

// TestResultSchemasCoverEveryField: every property a schema documents
// appears in one of its documents, so the validations above exercise it
// and no documented field is misspelt or stale.
func TestResultSchemasCoverEveryField(t *testing.T) {
	for name, docs := range resultDocs(t) {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, doc := range docs {
				var v any
				if err := json.Unmarshal(doc, &v); err != nil {
					t.Fatal(err)
				}
				collectKeys(v, seen)
			}
			b, _ := Schema(name)
			var root any
			if err := json.Unmarshal(b, &root); err != nil {
				t.Fatal(err)
			}
			var missing []string
			for _, p := range schemaProperties(root) {
				if !seen[p] {
					missing = append(missing, p)
				}
			}
			slices.Sort(missing)
			if len(missing) > 0 {
				t.Errorf("no document emits: %s", strings.Join(slices.Compact(missing), ", "))
			}
		})
	}
}

// collectKeys gathers every object key in a JSON value.
func collectKeys(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			into[k] = true
			collectKeys(e, into)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, into)
		}
	}
}

// schemaProperties lists the property names a schema document declares
// (not those it reaches through $ref).
func schemaProperties(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for k := range props {
				out = append(out, k)
			}
		}
		for _, e := range v {
			out = append(out, schemaProperties(e)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, schemaProperties(e)...)
		}
	}
	return out
}

// TestResultSchemasReject: each schema is strict enough to catch an
// undocumented field, a missing required field, a wrong type, a ratio out of
// 0–1, a pre-formatted number and an unknown enum value, in its own
// definitions and in those it shares with the report's schema.
func TestResultSchemasReject(t *testing.T) {
	tests := []struct {
		schema, name string
		mod          func(m map[string]any)
	}{
		{SchemaPoolStats, "undocumented field", func(m map[string]any) { m["extra"] = 1 }},
		{SchemaPoolStats, "missing workload", func(m map[string]any) { delete(m, "workload") }},
		{SchemaPoolStats, "missing workload latency", func(m map[string]any) { delete(obj(m, "workload", "database"), "latency_ms") }},
		{SchemaPoolStats, "operations as a string", func(m map[string]any) { obj(m, "workload", "database")["operations"] = "6460" }},
		{SchemaPoolStats, "error rate above 1", func(m map[string]any) { obj(m, "workload", "database")["error_rate"] = 1.5 }},
		{SchemaPoolStats, "cache hit rate as percent", func(m map[string]any) { obj(m, "workload", "database", "cache")["hit_rate"] = 62 }},
		{SchemaPoolStats, "pre-formatted throughput", func(m map[string]any) { obj(m, "workload", "redis")["throughput_per_s"] = "300/s" }},
		{SchemaPoolStats, "unknown model", func(m map[string]any) { obj(m, "workload", "redis")["model"] = "burst" }},
		{SchemaPoolStats, "unknown error class", func(m map[string]any) { obj(m, "workload", "database", "error_samples")["dns"] = "x" }},
		{SchemaPoolStats, "undocumented quantile", func(m map[string]any) { obj(m, "workload", "redis", "latency_ms")["p75"] = 0.3 }},
		{SchemaPoolStats, "pool utilization above 1 (report def)", func(m map[string]any) {
			obj(m, "connection_pools", "database", "metrics")["utilization"] = 1.2
		}},
		{SchemaPoolStats, "unknown health (report def)", func(m map[string]any) { m["overall_health"] = "fine" }},

		{SchemaSizing, "undocumented field", func(m map[string]any) { obj(m, "connection_pools", "database")["extra"] = 1 }},
		{SchemaSizing, "missing steps", func(m map[string]any) { delete(obj(m, "connection_pools", "database"), "steps") }},
		{SchemaSizing, "missing timestamp", func(m map[string]any) { delete(m, "timestamp") }},
		{SchemaSizing, "size as a string", func(m map[string]any) { step(m, 0)["size"] = "1" }},
		{SchemaSizing, "utilization above 1", func(m map[string]any) { step(m, 0)["utilization"] = 1.2 }},
		{SchemaSizing, "check error rate above 1", func(m map[string]any) {
			obj(m, "connection_pools", "database", "checks", 0)["error_rate"] = 2
		}},
		{SchemaSizing, "pre-formatted throughput", func(m map[string]any) { step(m, 0)["throughput_per_s"] = "800 ops/s" }},
		{SchemaSizing, "unknown phase", func(m map[string]any) { step(m, 0)["phase"] = "check" }},
		{SchemaSizing, "r2 above 1", func(m map[string]any) { obj(m, "connection_pools", "database", "fit")["r2"] = 1.5 }},
		{SchemaSizing, "setting that is not a pool size", func(m map[string]any) {
			obj(m, "connection_pools", "database", "settings")["DB_POOL_IDLE_TIMEOUT"] = 3
		}},
		{SchemaSizing, "unknown severity (report def)", func(m map[string]any) {
			obj(m, "connection_pools", "database", "recommendations", 0)["severity"] = "urgent"
		}},
		{SchemaSizing, "target without url (report def)", func(m map[string]any) { delete(obj(m, "targets", 0), "url") }},
		{SchemaSizing, "wrong schema version", func(m map[string]any) { m["schema_version"] = 2 }},

		{SchemaLeaks, "undocumented field", func(m map[string]any) { obj(m, "targets", 0)["extra"] = 1 }},
		{SchemaLeaks, "missing summary", func(m map[string]any) { delete(m, "summary") }},
		{SchemaLeaks, "leak without severity", func(m map[string]any) { delete(obj(m, "targets", 0, "potential_leaks", 0), "severity") }},
		{SchemaLeaks, "samples as a string", func(m map[string]any) { m["samples"] = "3" }},
		{SchemaLeaks, "potential leaks as an object", func(m map[string]any) { obj(m, "targets", 0)["potential_leaks"] = map[string]any{} }},
		{SchemaLeaks, "pre-formatted lifetime", func(m map[string]any) {
			obj(m, "targets", 0, "potential_leaks", 0)["lifetime_seconds"] = "40s"
		}},
		{SchemaLeaks, "negative capacity ratio", func(m map[string]any) { obj(m, "targets", 0, "capacity")["ratio"] = -0.1 }},
		{SchemaLeaks, "unknown finding code", func(m map[string]any) {
			obj(m, "targets", 1)["findings"] = []any{map[string]any{"severity": "info", "code": "other", "message": "m"}}
		}},
		{SchemaLeaks, "unknown severity", func(m map[string]any) { obj(m, "targets", 1)["severity"] = "fatal" }},
		{SchemaLeaks, "oldest below -1", func(m map[string]any) { obj(m, "targets", 0, "clients", 0)["oldest_seconds"] = -5 }},
		{SchemaLeaks, "sampled_at not RFC 3339", func(m map[string]any) { obj(m, "targets", 0)["sampled_at"] = "10:30" }},

		{SchemaSimulation, "undocumented field", func(m map[string]any) { obj(m, "points", 0)["extra"] = 1 }},
		{SchemaSimulation, "missing points", func(m map[string]any) { delete(m, "points") }},
		{SchemaSimulation, "missing capacity_for_target", func(m map[string]any) { delete(m, "capacity_for_target") }},
		{SchemaSimulation, "requests as a string", func(m map[string]any) { m["requests"] = "1000" }},
		{SchemaSimulation, "hit rate above 1", func(m map[string]any) { obj(m, "points", 0)["hit_rate"] = 1.2 }},
		{SchemaSimulation, "target hit rate as percent", func(m map[string]any) { m["target_hit_rate"] = 70 }},
		{SchemaSimulation, "pre-formatted hit rate", func(m map[string]any) { obj(m, "points", 0)["optimal_hit_rate"] = "35%" }},
		{SchemaSimulation, "unknown method", func(m map[string]any) { m["method"] = "arc" }},
		{SchemaSimulation, "score above 100", func(m map[string]any) { obj(m, "points", 0)["efficiency_score"] = 101 }},
		{SchemaSimulation, "unknown rating", func(m map[string]any) { obj(m, "points", 0)["rating"] = "great" }},
	}
	fixtures := map[string][]byte{
		SchemaPoolStats:  encodeJSON(t, poolStatsFixture()),
		SchemaSizing:     encodeJSON(t, sizingFixture()),
		SchemaLeaks:      encodeJSON(t, leaksFixture()),
		SchemaSimulation: encodeJSON(t, simulationFixture()),
	}
	for _, tt := range tests {
		t.Run(tt.schema+"/"+tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(fixtures[tt.schema], &m); err != nil {
				t.Fatal(err)
			}
			tt.mod(m)
			doc, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(t, compileSchema(t, tt.schema), doc); err == nil {
				t.Error("the schema accepted it")
			}
		})
	}
}

// obj walks a decoded document by object keys and array indices.
func obj(m map[string]any, path ...any) map[string]any {
	var v any = m
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
		if v == nil {
			panic("no " + strconv.Quote(pathString(path)))
		}
	}
	return v.(map[string]any)
}

func pathString(path []any) string {
	var parts []string
	for _, p := range path {
		switch p := p.(type) {
		case string:
			parts = append(parts, p)
		case int:
			parts = append(parts, strconv.Itoa(p))
		}
	}
	return strings.Join(parts, ".")
}

// step is the database pool's i-th sweep step.
func step(m map[string]any, i int) map[string]any {
	return obj(m, "connection_pools", "database", "steps", i)
}
