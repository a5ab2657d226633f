package inspect

import (
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

func TestRedactSQL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		pg   bool
		want string
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
		// A backslash before a quote reads two ways (standard strings or
		// not): everything from there on is masked.
		{"backslash at the end of a standard string", `SELECT 1 WHERE p = 'C:\' AND token = 'hunter2'`, true, `SELECT 1 WHERE p = '?'`},
		{"MySQL backslash escape", `SELECT 'it\'s', 'hunter2'`, false, `SELECT '?'`},
		{"backslash that reads one way", `SELECT 'C:\temp', 'hunter2'`, true, `SELECT '?', '?'`},
		{"escaped backslash", `SELECT E'a\\', 'hunter2'`, true, `SELECT E'?', '?'`},
		// Comments and quoted identifiers are read whole: a quote inside
		// them opens nothing.
		{"apostrophe in a line comment", "-- it's here\nSELECT 'hunter2'", true, "-- it's here\nSELECT '?'"},
		{"apostrophe in a block comment", "/* don't */ SELECT 'hunter2'", false, "/* don't */ SELECT '?'"},
		{"nested PostgreSQL comment", "/* a /* it's */ b */ SELECT 'hunter2'", true, "/* a /* it's */ b */ SELECT '?'"},
		{"MySQL hash comment", "# it's\nSELECT 'hunter2'", false, "# it's\nSELECT '?'"},
		{"MySQL versioned comment with a quote", "SELECT /*!50000 'hunter2' */ 1", false, "SELECT '?'"},
		{"MySQL comment too new to run", "SELECT 1 /*!99999 ' */, 'hunter2' -- '", false, "SELECT 1 '?'"},
		{"MySQL hint out of place", "SELECT 1 /*+ ' */, 'hunter2' -- '", false, "SELECT 1 '?'"},
		{"MySQL hint without quotes", "SELECT /*+ BKA(t) */ a FROM t WHERE b = 'hunter2'", false, "SELECT /*+ BKA(t) */ a FROM t WHERE b = '?'"},
		{"MySQL double dash and DEL", "SELECT 1 --\x7f '\n, 'hunter2' -- '", false, "SELECT 1 --\x7f '\n, '?' -- '"},
		{"MySQL double dash and a high byte", "SELECT 1 --\xa0 '\n, 'hunter2' -- '", false, "SELECT 1 '?'"},
		{"dollar quote after a number", "SELECT 1$$hunter2$$", true, "SELECT 1'?'"},
		{"dollar quote after a parameter", "SELECT $1$$hunter2$$", true, "SELECT $1'?'"},
		{"MySQL double dash needs a space", "SELECT 1--'hunter2'", false, "SELECT 1--'?'"},
		{"PostgreSQL identifier with an apostrophe", `SELECT "it's" FROM t WHERE token = 'hunter2'`, true, `SELECT "it's" FROM t WHERE token = '?'`},
		{"MySQL identifier with an apostrophe", "SELECT `it's` FROM t WHERE token = 'hunter2'", false, "SELECT `it's` FROM t WHERE token = '?'"},
		{"dollar inside an identifier is no tag", "SELECT a$b$ FROM t WHERE x = 'hunter2' AND y = $b$z$b$", true, "SELECT a$b$ FROM t WHERE x = '?' AND y = '?'"},
		{"no dollar quoting in MySQL", "SELECT $$ FROM t WHERE x = 'hunter2'", false, "SELECT $$ FROM t WHERE x = '?'"},
		{"E must start a word", `SELECT namE'hunter2'`, true, `SELECT namE'?'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactSQL(tt.in, tt.pg)
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
	for _, s := range []string{"SELECT 'x'", "$$a$$", `E'\''`, "'unterminated", `"id"`, "$1 $a$ b $a$",
		`'C:\' 'x'`, "-- it's\n'x'", "/* a /* b */ 'x' */ 'y'", "`it's` 'x'", "/*!1 'x' */", "a$b$ 'x'"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, q string, pg bool) {
		got := redactSQL(q, pg)
		// Without comments or quoted identifiers, no quote survives but
		// those of the masks: nothing that was inside a literal can be in
		// the output. (With them, idempotence below says every literal
		// left is a mask.)
		if !strings.ContainsAny(q, "\"`#") && !strings.Contains(q, "--") && !strings.Contains(q, "/*") {
			if rest := strings.ReplaceAll(got, "'?'", ""); strings.ContainsRune(rest, '\'') {
				t.Errorf("redactSQL(%q) = %q: a quote survived", q, got)
			}
		}
		if again := redactSQL(got, pg); again != got {
			t.Errorf("not idempotent: %q → %q → %q", q, got, again)
		}
	})
}
