package config

import (
	"strings"
)

// suggest returns the candidates closest to name for a "did you mean"
// hint: an exact case-insensitive match, then the candidates within a small
// edit distance, then those ending in "_"+name (MAX_SIZE → DB_POOL_MAX_SIZE,
// …). It returns nil when nothing is close.
func suggest(name string, candidates []string) []string {
	up := strings.ToUpper(name)
	for _, c := range candidates {
		if strings.ToUpper(c) == up {
			return []string{c}
		}
	}
	limit := maxDistance(up)
	var best []string
	bestDist := limit + 1
	for _, c := range candidates {
		d := levenshtein(up, strings.ToUpper(c))
		switch {
		case d > limit:
		case d < bestDist:
			best, bestDist = []string{c}, d
		case d == bestDist:
			best = append(best, c)
		}
	}
	if best != nil {
		return best
	}
	// A word of the key given alone (MAX_SIZE, TTL), an abbreviation
	// (prod), or the name with a suffix (zipfian).
	for _, c := range candidates {
		cu := strings.ToUpper(c)
		if strings.HasSuffix(cu, "_"+up) || (len(up) >= 3 && strings.HasPrefix(cu, up)) || (len(cu) >= 3 && strings.HasPrefix(up, cu)) {
			best = append(best, c)
		}
	}
	return best
}

// maxDistance is how many edits still count as a typo of a word this long.
func maxDistance(s string) int {
	switch n := len(s); {
	case n <= 3:
		return 1
	case n <= 8:
		return 2
	default:
		return 3
	}
}

// didYouMean renders suggestions: " did you mean X?", " did you mean X or Y?".
func didYouMean(s []string, format func(string) string) string {
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = format(v)
	}
	if len(q) == 1 {
		return "did you mean " + q[0] + "?"
	}
	return "did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}

// levenshtein is the edit distance between a and b (bytes; keys are ASCII).
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
