package config

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret in output, logs and errors.
const Redacted = "***"

var (
	userinfoRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@`)
	secretQSRE = regexp.MustCompile(`(?i)((?:password|passwd|pwd|token|secret|access_token|api_key|apikey|auth)=)[^&\s]+`)
)

// RedactURL hides the password of a URL's userinfo and any secret-looking
// query parameter (password, token, secret, api_key, …). It never fails:
// unparseable input is redacted textually.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return RedactText(raw)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	out := u.String()
	// url.String escapes the asterisks; put them back.
	out = strings.Replace(out, ":%2A%2A%2A@", ":"+Redacted+"@", 1)
	return secretQSRE.ReplaceAllString(out, "${1}"+Redacted)
}

// RedactText hides URL passwords and secret query parameters wherever they
// appear in free text, such as a driver's error message.
func RedactText(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}"+Redacted+"@")
	return secretQSRE.ReplaceAllString(s, "${1}"+Redacted)
}
