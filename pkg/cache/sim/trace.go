// Package sim replays key traces through cache policies: the exact LRU
// hit-rate curve in one pass (stack distances), Belady's optimal hit rate,
// replays through resync's cache with a simulated clock (for TTLs), and
// synthetic workloads. It is the library side of "resync cache simulate".
package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrEmptyTrace is returned for a trace with no keys.
var ErrEmptyTrace = errors.New("the trace has no keys")

// ReadTrace reads a text trace: one integer key per line. Surrounding
// spaces, blank lines, lines starting with '#' and the LIRS suite's "*"
// separator lines are ignored. A gzip stream is detected by its
// magic bytes and decompressed. name is used in error messages.
func ReadTrace(r io.Reader, name string) ([]uint64, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: bad gzip data: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	keys := make([]uint64, 0, 1<<16)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' || (len(text) == 1 && text[0] == '*') {
			continue // blank, comment, or a LIRS-suite separator line
		}
		k, ok := parseKey(text)
		if !ok {
			return nil, fmt.Errorf("%s:%d: %q is not an integer key: a trace has one integer key per line", name, line, truncate(text))
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: reading line %d: %w", name, line+1, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmptyTrace)
	}
	return keys, nil
}

// OpenTrace reads the trace at path; "-" reads stdin.
func OpenTrace(path string, stdin io.Reader) ([]uint64, error) {
	if path == "-" {
		return ReadTrace(stdin, "stdin")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTrace(f, path)
}

// parseKey parses a decimal integer (optionally signed) into its 64 bits.
func parseKey(b []byte) (uint64, bool) {
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
