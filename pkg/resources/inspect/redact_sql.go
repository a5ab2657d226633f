package inspect

import (
	"strings"

	"github.com/resync-dev/resync/pkg/redact"
)

// redactSQL masks every literal in a session's query text before it
// becomes leak evidence: quoted strings ('…', E'…', and in MySQL "…") and
// PostgreSQL dollar-quoted bodies ($$…$$, $tag$…$tag$) become '?', the way
// pg_stat_statements and MySQL's statement digests normalise them. The
// statement's shape (which table, which columns, which statement left the
// transaction open) is what diagnoses a leak; its values can be tokens,
// passwords or personal data, and are never shown. pg says the text is
// PostgreSQL's (else MySQL's): it decides what a double quote, a dollar
// sign, a backslash and a comment mean.
//
// The scan reads the text the way the server does: comments and quoted
// identifiers ("…" in PostgreSQL, `…` in MySQL) are skipped whole, so a
// quote inside them starts nothing. Where the reading depends on what the
// scan cannot see — a server setting (a backslash before a quote in a
// plain string ends it under standard_conforming_strings or
// NO_BACKSLASH_ESCAPES and escapes it otherwise), the server's version or
// kind (MySQL runs /*!…*/ and /*+…*/ comments, or not), its character set
// (is the byte after a MySQL "--" a space?) — and the readings differ,
// everything from that token on is masked: the rest could be a literal
// either way. A literal the server itself cut off
// (pg_stat_activity keeps 1 kB of a query) is masked to the end. URL and
// key=value secrets outside literals are redacted as everywhere else.
// Masking happens before the text is shortened for display, so a cut can
// never expose part of a literal.
func redactSQL(q string, pg bool) string {
	var b strings.Builder
	b.Grow(len(q))
	mask := func() {
		// Two masks side by side would read as one literal with a doubled
		// quote: keep them apart.
		if s := b.String(); s != "" && s[len(s)-1] == '\'' {
			b.WriteByte(' ')
		}
		b.WriteString("'?'")
	}
	word := -1 // where the unquoted word (identifier, keyword, number) being copied began
	for i := 0; i < len(q); {
		c := q[i]
		end := i     // past the token at i; i: not a token, copy c
		lit := false // the token is masked, not copied
		switch {
		case c == '\'' || c == '"' && !pg:
			lit = true
			if pg && word >= 0 && word == i-1 && (q[word] == 'E' || q[word] == 'e') { // E'…'
				end = endOfQuoted(q, i, true)
			} else if end = endOfQuoted(q, i, false); end != endOfQuoted(q, i, true) {
				end = len(q) // ambiguous: see above
			}
		case c == '$' && pg && (word < 0 || !identStart(q[word])): // a$b$ is an identifier; 1$$…$$ and $1$$…$$ are not
			if tag := dollarTag(q[i:]); tag != "" {
				lit, end = true, len(q)
				if n := strings.Index(q[i+len(tag):], tag); n >= 0 {
					end = i + 2*len(tag) + n
				}
			}
		case c == '"' && pg, c == '`' && !pg:
			end = endOfQuoted(q, i, false) // an identifier: kept
		case c == '-' && strings.HasPrefix(q[i:], "--") && (pg || len(q) == i+2 || q[i+2] <= ' ' || q[i+2] >= 0x7f):
			// MySQL wants a space or a control character after "--"; a
			// byte above 0x7f is one in some character sets (latin1's
			// no-break space) and not in others: a quote in the rest of
			// such a line makes the reading ambiguous.
			end = endOfLine(q, i)
			if !pg && len(q) > i+2 && q[i+2] >= 0x80 && strings.ContainsAny(q[i:end], quotes) {
				lit, end = true, len(q)
			}
		case c == '#' && !pg:
			end = endOfLine(q, i)
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			end = endOfComment(q, i, pg)
			if !pg && executableComment(q[i:]) && strings.ContainsAny(q[i:end], quotes) {
				// MySQL runs what /*!, /*M! and /*+ comments hold, or
				// not (a newer version, MySQL vs MariaDB, a hint out of
				// place): with a quote inside, the two readings differ.
				lit, end = true, len(q)
			}
		}
		switch {
		case lit:
			mask()
			i, word = end, -1
		case end > i:
			b.WriteString(q[i:end])
			i, word = end, -1
		default:
			b.WriteByte(c)
			switch {
			case !identChar(c):
				word = -1
			case word < 0:
				word = i
			}
			i++
		}
	}
	return redact.Text(b.String())
}

// endOfQuoted returns the index just past the string or identifier opened
// by the quote at q[i], or len(q) when it is not closed. A doubled quote
// stays inside; with backslash, so does a backslash and what follows it.
func endOfQuoted(q string, i int, backslash bool) int {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			if backslash {
				j++
			}
		case quote:
			if j+1 < len(q) && q[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

// quotes open strings or identifiers in MySQL.
const quotes = "'\"`"

// identStart reports whether c can start an unquoted identifier or keyword
// (not a number or a $n parameter).
func identStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// identChar reports whether c can be part of an unquoted identifier (or a
// keyword, or a parameter's number).
func identChar(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// dollarTag returns the PostgreSQL dollar-quote opening s ("$$" or
// "$name$"), or "" ($1, a positional parameter, is not one).
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1]
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || j > 1 && '0' <= c && c <= '9' || c >= 0x80:
		default:
			return ""
		}
	}
	return ""
}

// endOfLine returns the index of the newline ending the comment at q[i]
// (kept out of the comment), or len(q).
func endOfLine(q string, i int) int {
	if n := strings.IndexByte(q[i:], '\n'); n >= 0 {
		return i + n
	}
	return len(q)
}

// endOfComment returns the index just past the block comment at q[i], or
// len(q) when it is not closed. PostgreSQL's block comments nest; MySQL's
// do not.
func endOfComment(q string, i int, nest bool) int {
	depth := 0
	for j := i; j+1 < len(q); j++ {
		switch {
		case q[j] == '/' && q[j+1] == '*' && (nest || depth == 0):
			depth++
			j++
		case q[j] == '*' && q[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(q)
}

// executableComment reports whether s opens a MySQL comment whose body the
// server reads as SQL: /*! (versioned code), /*M! (MariaDB) or /*+ (hints).
func executableComment(s string) bool {
	return strings.HasPrefix(s, "/*!") || strings.HasPrefix(s, "/*+") || strings.HasPrefix(s, "/*M!")
}
