package redact_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/redact"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db:5432/app", "postgres://app:***@db:5432/app"},
		{"postgres://app@db:5432/app", "postgres://app@db:5432/app"},
		{"redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"},
		{"mysql://root:@db:3306/test", "mysql://root:***@db:3306/test"},
		{"postgres://app:p%40ss@db/app", "postgres://app:***@db/app"},
		{"postgres://app:p@ss@db/app", "postgres://app:***@db/app"},
		{"https://api.example.com/x?token=abc123&page=2", "https://api.example.com/x?token=***&page=2"},
		{"postgres://db/app?sslpassword=abc&password=def", "postgres://db/app?sslpassword=***&password=***"},
		{"https://h/?api_key=k1&client_secret=k2", "https://h/?api_key=***&client_secret=***"},
		{"https://b.s3.amazonaws.com/o?X-Amz-Credential=AKIA1&X-Amz-Signature=f00d&X-Amz-Security-Token=t0k&X-Amz-Expires=60",
			"https://b.s3.amazonaws.com/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***&X-Amz-Expires=60"},
		{"https://a.blob.core.windows.net/c/b?sv=2024&sig=abc%2Bdef&se=x", "https://a.blob.core.windows.net/c/b?sv=2024&sig=***&se=x"},
		{"https://maps.example.com/api?key=AIzaXYZ&q=1", "https://maps.example.com/api?key=***&q=1"},
		{"https://h/x?sort_key=name&design=a", "https://h/x?sort_key=name&design=a"},
		// unparseable: the whole userinfo is hidden (scheme://***@…)
		{"postgres://app:pa ss@db/app", "postgres://***@db/app"},
		{"postgres://app:pa/ss@db/app", "postgres://***@db/app"},
		{"postgres://app:S3cr/et@h:5432/db", "postgres://***@h:5432/db"},
		{"postgres://app:p#ss@db/app", "postgres://***@db/app"},
		{"mysql://u:p#w@h/db", "mysql://***@h/db"},
		{"redis://:a?b@h:6379", "redis://***@h:6379"},
		{"postgres://app:p%zz@db/app", "postgres://***@db/app"},
		{"redis://:pw word@cache:port", "redis://***@cache:port"},
		{"postgres://app:p/w@db/app?password=x", "postgres://***@db/app?password=***"},
		// no scheme: everything before the last @ may be user:password
		{"app:s3cret@db:5432/app", "***@db:5432/app"},
		{"app:p@ss@db/app", "***@db/app"},
		{"127.0.0.1:5432", "127.0.0.1:5432"},
		// parseable, but the password became a port, path, query or fragment
		{"postgres://u:/secret@host/db", "postgres://***@host/db"},
		{"postgres://u:1234?x@host/db", "postgres://***@host/db"},
		{"redis://:?secret@host:6379", "redis://***@host:6379"},
		{"redis://TO/KEN@host:6379", "redis://***@host:6379"},
		{"https://u:#tok@h/", "https://***@h/"},
		{"http://app:@#00@127.0.0.1:1/db", "http://***@127.0.0.1:1/db"}, // found by FuzzRedactURL
		// query secrets
		{"https://h/cb?jwt=eyJ.x.y&id_token=a&refresh_token=b&session=c&page=2", "https://h/cb?jwt=***&id_token=***&refresh_token=***&session=***&page=2"},
		{"https://h/x?SAS=s1&Sig=s2&pass=p&PWD=q&bypass=ok", "https://h/x?SAS=***&Sig=***&pass=***&PWD=***&bypass=ok"},
		{"sqlite://data/app.db?_auth&_auth_user=u&_auth_pass=s3cret", "sqlite://data/app.db?_auth&_auth_user=u&_auth_pass=***"},
		{"sqlite://data/app.db?_pragma=key=s3cret&_pragma=busy_timeout(500)", "sqlite://data/app.db?_pragma=key=***&_pragma=busy_timeout(500)"},
		{"sqlite://data/app.db?_pragma=key%3Ds3cret", "sqlite://data/app.db?_pragma=key=***"},
		{"sqlite://data/app.db?_pragma=hexkey(%27abcd%27)", "sqlite://data/app.db?_pragma=hexkey=***"},
		// redis://TOKEN@host: the user part alone is the password
		{"redis://s3cretTOKEN@cache:6379/0", "redis://***@cache:6379/0"},
		{"rediss://s3cretTOKEN@cache", "rediss://***@cache"},
		// a bare username in a web URL is a token; in a database URL a user
		{"https://ghp_TOKEN@github.example/x", "https://***@github.example/x"},
		{"http://127.0.0.1:8080/health", "http://127.0.0.1:8080/health"},
		// nothing to hide
		{"sqlite::memory:", "sqlite::memory:"},
		{"sqlite://data/app.db", "sqlite://data/app.db"},
		{"", ""},
		{"plain text", "plain text"},
	}
	for _, tt := range tests {
		if got := redact.URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`dial postgres://app:s3cret@db:5432/app: connection refused`, `dial postgres://app:***@db:5432/app: connection refused`},
		{`two: redis://:a@r and https://u:b@h/x`, `two: redis://:***@r and https://u:***@h/x`},
		{`failed: host=db user=app password=s3cret dbname=app`, `failed: host=db user=app password=*** dbname=app`},
		{`password='s3 cret' user=app`, `password=*** user=app`},
		{`dsn "root:s3cret@tcp(127.0.0.1:3306)/test" refused`, `dsn "root:***@tcp(127.0.0.1:3306)/test" refused`},
		{`root:s3cret@unix(/tmp/mysql.sock)/test`, `root:***@unix(/tmp/mysql.sock)/test`},
		{`GET https://h/x?token=abc&page=2 401`, `GET https://h/x?token=***&page=2 401`},
		{`nothing secret at 10:30 here@there`, `nothing secret at 10:30 here@there`},
		{`SELECT * FROM t JOIN u ON t.pkey=u.fkey`, `SELECT * FROM t JOIN u ON t.pkey=u.fkey`},
		{`AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=x`, `AccountName=a;AccountKey=***`},
		{`dial redis://s3cretTOKEN@cache:6379: refused`, `dial redis://***@cache:6379: refused`},
		{`dial postgres://app@db:5432/app: refused`, `dial postgres://app@db:5432/app: refused`},
		{`GET https://h/cb?jwt=a.b.c&session=s 401`, `GET https://h/cb?jwt=***&session=*** 401`},
		{`open sqlite://a.db?_pragma=key=k1&x=1`, `open sqlite://a.db?_pragma=key=***&x=1`},
	}
	for _, tt := range tests {
		if got := redact.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

const planted = "hunter2PLANTED"

// TestRedactNeverLeaks: whatever shape the URL has, the planted password
// does not survive URL (nor Text).
func TestRedactNeverLeaks(t *testing.T) {
	shapes := []string{
		"postgres://u:%s@h/db", "postgresql://u:%s@h:5432/db?sslmode=require", "mysql://root:%s@h:3306/db",
		"redis://:%s@h:6379", "rediss://default:%s@h", "https://u:%s@h/x", "http://h/?password=%s",
		"postgres://u:%s x@h/db", "postgres://u:%s/x@h/db", "postgres://u:%s#x@h/db", "ftp://u:%s@h",
		"postgres://u:%s@h:port/db", "postgres://u:%s@h1,h2/db",
	}
	for _, s := range shapes {
		raw := strings.ReplaceAll(s, "%s", planted)
		if got := redact.URL(raw); strings.Contains(got, planted) {
			t.Errorf("URL(%q) = %q", raw, got)
		}
		if got := redact.Text("error: " + raw + " failed"); strings.Contains(got, planted) && !strings.Contains(s, "%s x") {
			t.Errorf("Text(%q) = %q", raw, got)
		}
	}
}
