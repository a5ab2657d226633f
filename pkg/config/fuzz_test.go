package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/resync-dev/resync/pkg/config"
)

// FuzzLoad feeds arbitrary bytes to Load as a settings file. Load must not
// panic, and must return either a config that Validate accepts or an *Error
// with at least one problem, each with a reason. (Redaction of the seeds'
// planted passwords is checked deterministically in TestBadInput.)
//
// The seeds are small on purpose, a few lines each: the fuzzer mutates and
// minimises every seed, and a large one (the whole sample file) took all
// of its time (14 executions in 20 s) instead of exploring.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"[default.ASYNC_CACHE]\nTTL_SECONDS = 120\nMAX_MEMORY_MB = 64\n",
		"[default.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = 50\n[production.CONNECTION_POOL]\nDB_POOL_MAX_SIZE = 200\n",
		"[staging.WORKLOAD]\nDURATION = \"5s\"\nRATE = 100.5\nDISTRIBUTION = \"hotset\"\n",
		"[default.TARGETS]\nHTTP_URLS = [\"http://h/a\", \"https://h/b\"]\n",
		"[default.TARGETS]\nDATABASE_URLS = \"sqlite::memory:\"\n",
		"[default.CONNECTION_POOL]\nDB_POOL_MIN_SIZE = 9\nDB_POOL_MAX_SIZE = 3\n",
		"[default.WORKLOAD]\nDURATION = \"soon\"\nCONCURRENCY = \"8\"\n",
		"[default]\nNOPE = 1\n[default.ASYNC_CACHE]\nTTL_SECOND = 1\n",
		"[default.TARGETS]\nDATABASE_URLS = [\"postgres://u:" + planted + "@db/x\", \"ftp://u:" + planted + "@h\"]\n",
		"[default.TARGETS]\nREDIS_URL = \"redis://:" + planted + " x@h\"\n",
		"[default]\nWORKLOAD = { CONCURRENCY = 7, KEYS = 0 }\nASYNC_CACHE.NUM_SHARDS = -1\n",
		"[default.ASYNC_CACHE]\nTTL_SECONDS = 1e300\nNUM_SHARDS = 0x10\n",
		"[[default.ASYNC_CACHE]]\nX = 1\n",
		"a = [1, {b = 2}]\n[x.y.z]\n",
		"[default.ASYNC_CACHE]\nTTL_SECONDS = 5\nTTL_SECONDS = 6\n",
		"[default.WORKLOAD]\nDURATION = 1979-05-27T07:32:00Z\n",
		"= =",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(config.LoadOptions{File: path, WorkDir: dir, LookupEnv: env(nil)})
		if err == nil {
			if c == nil {
				t.Fatal("nil config without an error")
			}
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Load accepted a config Validate rejects: %v", verr)
			}
			return
		}
		var cerr *config.Error
		if !errors.As(err, &cerr) || len(cerr.Problems) == 0 {
			t.Fatalf("err = %v (%T), want a *config.Error with problems", err, err)
		}
		for _, p := range cerr.Problems {
			if p.Reason == "" || p.Error() == "" {
				t.Fatalf("problem without a reason: %+v", p)
			}
		}
	})
}
