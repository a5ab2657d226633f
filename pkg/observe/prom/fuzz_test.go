package prom

import (
	"bytes"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: any body either decodes or is ErrNotPrometheus; a decoded
// snapshot has sorted, non-empty entities with finite values, and its delta
// against itself is all zeros with no reset.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.prom")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "text/plain; version=0.0.4")
	}
	f.Add([]byte("pgxpool_max_conns{a=\"1\"} NaN\n"), "")
	f.Add([]byte("x_pool_hit_total -1\n"), "text/plain")
	f.Add([]byte{0x05, 0x0a, 0x03, 'a', 'b', 'c'}, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		s, err := Decode(bytes.NewReader(body), http.Header{"Content-Type": {ct}})
		if err != nil {
			if !IsNotPrometheus(err) {
				t.Fatalf("error not ErrNotPrometheus: %v", err)
			}
			return
		}
		for i, e := range s.Entities {
			if len(e.Values) == 0 {
				t.Fatalf("empty entity %s", e.Key())
			}
			if i > 0 && s.Entities[i-1].Key() >= e.Key() {
				t.Fatalf("unsorted: %s before %s", s.Entities[i-1].Key(), e.Key())
			}
			for k, v := range e.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s %s = %v", e.Key(), k, v)
				}
			}
		}
		for _, c := range Delta(s, s) {
			if len(c.Reset) != 0 || c.New {
				t.Fatalf("self delta of %s: reset %v new %v", c.Key(), c.Reset, c.New)
			}
			for k, d := range c.Deltas {
				if d != 0 {
					t.Fatalf("self delta %s %s = %v", c.Key(), k, d)
				}
			}
		}
	})
}
