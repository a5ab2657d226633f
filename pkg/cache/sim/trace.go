// Package sim replays key traces through cache policies: the exact LRU
// hit-rate curve in one pass (stack distances), Belady's optimal hit rate,
// replays through resync's cache with a simulated clock (for TTLs), and
// synthetic workloads. It is the library side of "resync cache simulate".
package sim

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrEmptyTrace is returned for a trace with no keys.
var ErrEmptyTrace = errors.New("the trace has no keys")

// ReadTrace reads a text trace (FormatText): one key per line, integer
// keys as they are and string keys hashed. Surrounding spaces, blank
// lines, lines starting with '#' and the LIRS suite's "*" separator lines
// are ignored. gzip, zstd and xz streams are detected by their magic bytes
// and decompressed. name is used in error messages.
func ReadTrace(r io.Reader, name string) ([]uint64, error) {
	tr, err := NewReader(r, ReaderOptions{Format: FormatText, Name: name})
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	keys := make([]uint64, 0, 1<<16)
	for {
		req, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		keys = append(keys, req.Key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmptyTrace)
	}
	return keys, nil
}

// OpenTrace reads the text trace at path; "-" reads stdin.
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
	if len(b) == 0 {
		return 0, false
	}
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
