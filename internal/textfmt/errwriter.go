package textfmt

import (
	"fmt"
	"io"
)

// ErrWriter remembers the first write error, so a long run of Fprint calls
// needs one check of Err at the end. Once a write fails, later writes are
// dropped.
type ErrWriter struct {
	W   io.Writer
	Err error
}

// Write writes b to W unless an earlier write failed; its error is Err.
func (e *ErrWriter) Write(b []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(b)
	if err != nil {
		e.Err = fmt.Errorf("writing report: %w", err)
	}
	return n, e.Err
}
