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
	// redis://TOKEN@ and https://TOKEN@: in these schemes a bare user is
	// the password (Redis before ACLs, a web token). A Redis URL has no
	// path that could hold an @, so its token may hold a / or ?.
	bareUserRE = regexp.MustCompile(`(?i)\b(rediss?://\S*|https?://[^:/?#@\s]+)@`)
	// go-sql-driver/mysql DSNs: user:PASSWORD@tcp(host)/db, @unix(…).
	mysqlDSNRE = regexp.MustCompile(`(?i)((?:^|[\s"'=(])[^\s:@/"'=(]*:)[^\s@]*@((?:tcp|tcp6|unix)\()`)
	// password=…, token=… in query strings and key=value DSNs, quoted or
	// not (anywhere in a name: sslpassword=, client_secret=, id_token=,
	// refresh_token=, x-session=), and, as whole names only, the
	// signatures and keys of signed URLs and connection strings
	// (X-Amz-Signature, X-Amz-Credential, X-Goog-Signature, Azure SAS sig=
	// and sas=, AccountKey=, Google key=), pass= and SQLite's _auth_pass= —
	// so that sort_key=, bypass= or t.pkey= stay readable.
	secretQSRE = regexp.MustCompile(`(?i)((?:password|passwd|pwd|passphrase|token|secret|jwt|session|access_token|api_key|apikey|auth|authorization|credentials|client_assertion|(?:^|[?&;\s-])(?:signature|sig|sas|key|pass|_auth_pass|accountkey|sharedaccesskey|credential))=)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^&\s'"]+)`)
	// SQLite's _pragma=key=…, _pragma=rekey(…), _pragma=hexkey%3D…: the
	// encryption key of a SQLCipher database.
	pragmaKeyRE = regexp.MustCompile(`(?i)(_pragma=(?:hex)?(?:re)?key)(?:=|%3D|\(|%28)[^&\s]*`)
)

// URL hides the password of a URL's userinfo and any secret-looking
// query parameter (password, token, secret, api_key, jwt, session, …). It
// never fails: a URL that does not parse, or whose password net/url took
// for a port, path, query or fragment, is shown as scheme://***@… —
// everything between "://" and the last @ hidden, erring on the side of
// hiding too much.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return redactRaw(raw)
	}
	if atAfterAuthority(raw) {
		// "postgres://u:/secret@host", "redis://:?tok@host" or
		// "http://u:@#tok@host" parse, but part of the password became a
		// path, query or fragment: the last @ is taken for the end of the
		// userinfo.
		return redactRaw(raw)
	}
	switch {
	case u.User == nil:
	case hasPassword(u.User):
		u.User = url.UserPassword(u.User.Username(), Mask)
	case bareUserIsSecret(u.Scheme):
		// https://TOKEN@host, redis://TOKEN@host: a bare user is a token.
		u.User = url.User(Mask)
	}
	out := u.String()
	// url.String escapes the asterisks; put them back.
	out = strings.Replace(out, ":%2A%2A%2A@", ":"+Mask+"@", 1)
	out = strings.Replace(out, "//%2A%2A%2A@", "//"+Mask+"@", 1)
	return query(out)
}

// atAfterAuthority reports whether raw has an @ after its authority (which
// ends at the first /, ? or # after "://").
func atAfterAuthority(raw string) bool {
	i := strings.Index(raw, "://")
	if i < 0 {
		return false
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	return end >= 0 && strings.Contains(rest[end:], "@")
}

func hasPassword(u *url.Userinfo) bool {
	_, has := u.Password()
	return has
}

// bareUserIsSecret: in these schemes a userinfo without a colon is a
// password or token, not a user name.
func bareUserIsSecret(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "http", "https", "redis", "rediss":
		return true
	}
	return false
}

// redactRaw redacts one URL that net/url cannot parse (a password with a
// space or an unescaped /, # or ?): the whole userinfo, everything between
// "://" and the last @, goes.
func redactRaw(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		// No scheme ("app:secret@db:5432/app", a URL missing its
		// postgres://): what precedes the last @ may be user:password.
		if at := strings.LastIndexByte(raw, '@'); at >= 0 && !strings.ContainsAny(raw, " \t\n") {
			return query(Mask + raw[at:])
		}
		return Text(raw)
	}
	at := strings.LastIndexByte(raw[i+3:], '@')
	if at < 0 {
		return Text(raw)
	}
	return query(raw[:i+3] + Mask + raw[i+3+at:])
}

// query hides the secret parameters of s.
func query(s string) string {
	s = pragmaKeyRE.ReplaceAllString(s, "${1}="+Mask)
	return secretQSRE.ReplaceAllString(s, "${1}"+Mask)
}

// Text hides URL passwords, Redis and web tokens in a URL's user part,
// MySQL DSN passwords and secret parameters wherever they appear in free
// text, such as a driver's error message.
func Text(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}"+Mask+"@")
	s = bareUserRE.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, ":"+Mask+"@") {
			return m // user:*** already
		}
		return m[:strings.Index(m, "://")+3] + Mask + "@"
	})
	s = mysqlDSNRE.ReplaceAllString(s, "${1}"+Mask+"@${2}")
	return query(s)
}
