package script

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Spec is one --script FILE[@WEIGHT].
type Spec struct {
	Path   string
	Weight int
}

// ParseSpec splits FILE[@WEIGHT]. The weight is what follows the last @
// when that holds no path separator; it must be a positive integer
// (pgbench's rule). No weight means 1.
func ParseSpec(s string) (Spec, error) {
	i := strings.LastIndexByte(s, '@')
	if i < 0 || strings.ContainsAny(s[i+1:], `/\`) {
		if s == "" {
			return Spec{}, fmt.Errorf("%w: --script is empty: give a file, such as --script tx.sql@2", ErrInvalid)
		}
		return Spec{Path: s, Weight: 1}, nil
	}
	path, w := s[:i], s[i+1:]
	n, err := strconv.Atoi(w)
	if err != nil || n <= 0 {
		return Spec{}, fmt.Errorf("%w: --script %q: weight %q must be a whole number above 0, as in %s@3", ErrInvalid, s, w, path)
	}
	if path == "" {
		return Spec{}, fmt.Errorf("%w: --script %q names no file: use FILE@%s", ErrInvalid, s, w)
	}
	return Spec{Path: path, Weight: n}, nil
}

// Mix picks scripts by weight.
type Mix struct {
	cum   []int // running sum of the weights
	total int
}

// NewMix returns a picker over weights (each positive).
func NewMix(weights []int) *Mix {
	m := &Mix{cum: make([]int, len(weights))}
	for i, w := range weights {
		m.total += w
		m.cum[i] = m.total
	}
	return m
}

// Pick returns the index of a script, each with probability weight/total.
func (m *Mix) Pick(r *rand.Rand) int {
	if len(m.cum) == 1 {
		return 0
	}
	x := r.IntN(m.total)
	lo, hi := 0, len(m.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if m.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
