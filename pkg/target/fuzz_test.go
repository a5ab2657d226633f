package target_test

import (
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/target"
)

// FuzzRedactURL: whatever password the fuzzer puts in a URL's userinfo,
// neither redact.URL nor KindOf's error shows it (when it is at least 4
// bytes and not a piece of the rest of the URL, which is shown).
func FuzzRedactURL(f *testing.F) {
	for _, pw := range []string{"s3cret", "S3cr/et", "p#w0rd", "a?bcd", "p@ss@word", "pa ss", "p%zzw", "ünï€ode", "k:e:y", "%2Fabc", "x://y@z"} {
		f.Add(pw, uint8(0), uint8(0), false)
	}
	f.Add("TOKEN/with?all#of@it", uint8(3), uint8(2), true)
	schemes := []string{"postgres", "postgresql", "mysql", "redis", "rediss", "http", "https", "sqlite", "ftp", "POSTGRES"}
	rests := []string{"127.0.0.1:1/db", "db.internal:5432/app?sslmode=disable", "h1:5432,h2:5433/db", "[::1]:6379/0", "h:port/x", "h/?token=abc", ""}
	f.Fuzz(func(t *testing.T, pw string, scheme, rest uint8, bare bool) {
		prefix := schemes[int(scheme)%len(schemes)] + "://app:"
		if bare {
			prefix = schemes[int(scheme)%len(schemes)] + "://"
		}
		suffix := "@" + rests[int(rest)%len(rests)]
		raw := prefix + pw + suffix
		if len(pw) < 4 || strings.Contains(prefix+suffix, pw) || strings.Contains(redact.Mask, pw) {
			return
		}
		if bare && (strings.Contains(pw, ":") || !strings.HasPrefix(prefix, "redis") && !strings.HasPrefix(prefix, "http")) {
			return // a user name, shown: before a colon, or bare in these schemes
		}
		if got := redact.URL(raw); strings.Contains(got, pw) {
			t.Errorf("redact.URL(%q) = %q", raw, got)
		}
		if _, err := target.KindOf(raw); err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("KindOf(%q): %v", raw, err)
		}
	})
}
