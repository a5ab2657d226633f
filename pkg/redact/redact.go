// Package redact hides passwords, tokens and signed-URL secrets in URLs and
// free text, so nothing secret reaches output, logs or errors. It is a leaf
// package (standard library only) that every layer can use.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces every secret in output, logs and errors.
const Mask = "***"

var (
	// scheme://user:PASSWORD@ — up to the last @ of the word, since an
	// unescaped @ may sit inside the password.
	userinfoRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)\S*@`)
	// go-sql-driver/mysql DSNs: user:PASSWORD@tcp(host)/db, @unix(…).
	mysqlDSNRE = regexp.MustCompile(`(?i)((?:^|[\s"'=(])[^\s:@/"'=(]*:)[^\s@]*@((?:tcp|tcp6|unix)\()`)
	// password=…, token=… in query strings and key=value DSNs, quoted or
	// not (anywhere in a name: sslpassword=, client_secret=), and, as whole
	// names only, the signatures and keys of signed URLs and connection
	// strings (X-Amz-Signature, X-Amz-Credential, X-Goog-Signature, Azure
	// SAS sig=, AccountKey=, Google key=) — so that sort_key= or t.pkey=
	// stay readable.
	secretQSRE = regexp.MustCompile(`(?i)((?:password|passwd|pwd|passphrase|token|secret|access_token|api_key|apikey|auth|authorization|credentials|client_assertion|(?:^|[?&;\s-])(?:signature|sig|key|accountkey|sharedaccesskey|credential))=)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^&\s'"]+)`)
)

// URL hides the password of a URL's userinfo and any secret-looking
// query parameter (password, token, secret, api_key, …). It never fails:
// unparseable input is redacted textually, erring on the side of hiding
// too much.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return redactRaw(raw)
	}
	if u.User == nil {
		// "postgres://u:/secret@host" or "redis://:?tok@host" parse with no
		// userinfo at all (the password became a port, path or query);
		// anything that still looks like user:secret@ is redacted as text.
		if i := strings.Index(raw, "://"); i >= 0 {
			rest := raw[i+3:]
			if at := strings.LastIndexByte(rest, '@'); at >= 0 && strings.Contains(rest[:at], ":") {
				return redactRaw(raw)
			}
		}
	} else if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), Mask)
	} else if u.Scheme == "http" || u.Scheme == "https" {
		// https://TOKEN@host: a bare username in a web URL is a token.
		u.User = url.User(Mask)
	}
	out := u.String()
	// url.String escapes the asterisks; put them back.
	out = strings.Replace(out, ":%2A%2A%2A@", ":"+Mask+"@", 1)
	out = strings.Replace(out, "//%2A%2A%2A@", "//"+Mask+"@", 1)
	return secretQSRE.ReplaceAllString(out, "${1}"+Mask)
}

// redactRaw redacts one URL that net/url cannot parse (a password with a
// space or an unescaped / or #): everything between the first colon after
// "scheme://" and the last @ goes.
func redactRaw(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return Text(raw)
	}
	rest := raw[i+3:]
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return Text(raw)
	}
	if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
		raw = raw[:i+3] + rest[:c+1] + Mask + rest[at:]
	}
	return secretQSRE.ReplaceAllString(raw, "${1}"+Mask)
}

// Text hides URL passwords, MySQL DSN passwords and secret
// parameters wherever they appear in free text, such as a driver's error
// message.
func Text(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}"+Mask+"@")
	s = mysqlDSNRE.ReplaceAllString(s, "${1}"+Mask+"@${2}")
	return secretQSRE.ReplaceAllString(s, "${1}"+Mask)
}
