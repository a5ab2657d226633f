package inspect

import (
	"strings"
	"testing"
)

func TestRedactSQL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ALTER ROLE app PASSWORD 'hunter2'", "ALTER ROLE app PASSWORD '***'"},
		{"alter user app with password 'hun''ter2' valid until 'x'", "alter user app with password '***' valid until 'x'"},
		{"CREATE USER 'a'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'a'@'%' IDENTIFIED BY '***'"},
		{"SET PASSWORD = \"hunter2\"", "SET PASSWORD = '***'"},
		{"SELECT * FROM t WHERE id = 'x'", "SELECT * FROM t WHERE id = 'x'"},
		{"SELECT dblink('host=db password=hunter2', 'x')", "SELECT dblink('host=db password=***', 'x')"},
	}
	for _, tt := range tests {
		got := redactSQL(tt.in)
		if got != tt.want {
			t.Errorf("redactSQL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "hunter2") || strings.Contains(got, "ter2") {
			t.Errorf("redactSQL(%q) leaks the password: %q", tt.in, got)
		}
	}
}
