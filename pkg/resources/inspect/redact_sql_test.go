package inspect

import (
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

func TestRedactSQL(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		pgIdents bool
		want     string
	}{
		{"password literal", "ALTER ROLE app PASSWORD 'hunter2'", true, "ALTER ROLE app PASSWORD '?'"},
		{"doubled quote inside", "alter user app with password 'hun''ter2' valid until 'x'", true, "alter user app with password '?' valid until '?'"},
		{"MySQL user and password", "CREATE USER 'a'@'%' IDENTIFIED BY 'hunter2'", false, "CREATE USER '?'@'?' IDENTIFIED BY '?'"},
		{"MySQL double-quoted string", `SET PASSWORD = "hunter2"`, false, "SET PASSWORD = '?'"},
		{"PostgreSQL double quotes are identifiers", `UPDATE "Accounts" SET token = 'hunter2' WHERE id = 7`, true, `UPDATE "Accounts" SET token = '?' WHERE id = 7`},
		{"any literal, not only passwords", "SELECT * FROM sessions WHERE token = 'hunter2'", true, "SELECT * FROM sessions WHERE token = '?'"},
		{"escape string", `SELECT E'it\'s hunter2' , 1`, true, `SELECT E'?' , 1`},
		{"dollar quoting", "DO $$ BEGIN PERFORM set_config('k', 'hunter2', false); END $$", true, "DO '?'"},
		{"tagged dollar quoting", "SELECT $fn$ hunter2 $$ still $fn$, $1", true, "SELECT '?', $1"},
		{"positional parameters stay", "SELECT * FROM t WHERE a = $1 AND b = $2", true, "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"cut off by the server", "INSERT INTO t VALUES ('hunter2", true, "INSERT INTO t VALUES ('?'"},
		{"connection string in a literal", "SELECT dblink('host=db password=hunter2', 'x')", true, "SELECT dblink('?', '?')"},
		{"URL outside a literal", "-- from postgres://app:hunter2@db/app\nSELECT 1", true, "-- from postgres://app:***@db/app\nSELECT 1"},
		{"no literals", "SELECT 1", false, "SELECT 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactSQL(tt.in, tt.pgIdents)
			if got != tt.want {
				t.Errorf("redactSQL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "hunter2") || strings.Contains(got, "ter2") {
				t.Errorf("redactSQL(%q) leaks the secret: %q", tt.in, got)
			}
		})
	}
}

// TestQueryEvidenceIsMaskedBeforeItIsCut: shortening for display comes after
// masking, so a cut inside a literal shows none of it.
func TestQueryEvidenceIsMaskedBeforeItIsCut(t *testing.T) {
	o := Options{QueryMax: 40, Now: time.Now}
	q := "UPDATE users SET api_token = 'abcdefghijklmnopqrstuvwxyz0123456789' WHERE id = 1"
	l := o.leakFor(session{query: q, age: -1, idle: -1, xact: -1}, LeakIdleInTransaction, resources.SeverityCritical, 0)
	if got := l.Evidence["query"]; strings.Contains(got, "abcdef") || !strings.HasPrefix(got, "UPDATE users SET api_token = '?'") {
		t.Errorf("query evidence %q: want the literal masked before the cut", got)
	}
}

func FuzzRedactSQL(f *testing.F) {
	for _, s := range []string{"SELECT 'x'", "$$a$$", `E'\''`, "'unterminated", `"id"`, "$1 $a$ b $a$"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, q string, pgIdents bool) {
		got := redactSQL(q, pgIdents)
		// No quote survives but those of the mask: nothing that was
		// inside a literal can be in the output.
		rest := strings.ReplaceAll(got, "'?'", "")
		if strings.ContainsRune(rest, '\'') || !pgIdents && strings.ContainsRune(rest, '"') {
			t.Errorf("redactSQL(%q) = %q: a quote survived", q, got)
		}
		if again := redactSQL(got, pgIdents); again != got {
			t.Errorf("not idempotent: %q → %q → %q", q, got, again)
		}
	})
}
