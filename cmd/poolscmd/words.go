package poolscmd

import (
	"fmt"
	"strings"
)

// splitWords splits s into words the way a POSIX shell does, without
// expansion: blanks separate words; 'single quotes' keep everything
// literally; "double quotes" keep blanks and honour \" \\ \$ \` as
// escapes; a backslash outside quotes escapes the next character. So
// `SET "a b" 1` is SET, "a b", 1; two quotes with nothing between make an empty word.
// An unterminated quote or a trailing backslash is an error naming it.
func splitWords(s string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool // cur holds a word, possibly empty ('')
	)
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("trailing backslash at the end: escape it as \\\\ or remove it")
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("single quote at offset %d is not closed", i)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += 1 + end
			inWord = true
		case c == '"':
			start := i
			inWord = true
			for i++; ; i++ {
				if i == len(s) {
					return nil, fmt.Errorf("double quote at offset %d is not closed", start)
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, nil
}
