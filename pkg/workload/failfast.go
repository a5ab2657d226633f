package workload

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// FailFastError is returned by Run when the first Options.FailFast
// operations all failed with the same error: the target answers, but every
// operation is wrong (bad SQL, an unknown command), so running on would
// only measure errors.
type FailFastError struct {
	Name string // the workload's name
	Ops  int    // operations that failed alike
	Err  error  // the first of them; the others had the same text
}

func (e *FailFastError) Error() string {
	return fmt.Sprintf("%s: the first %d operations all failed with the same error, stopped: %v", e.Name, e.Ops, e.Err)
}

func (e *FailFastError) Unwrap() error { return e.Err }

// failFast watches the first n completions. It costs one atomic load per
// operation once it has decided.
type failFast struct {
	n       int
	decided atomic.Bool // a success came, or the first n failed alike

	mu    sync.Mutex
	seen  int
	first error
	text  string
}

// observe records one completed operation; it returns the error to stop the
// run with when the n-th alike failure arrives, else nil.
func (f *failFast) observe(err error) error {
	if f == nil || f.decided.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.decided.Load() {
		return nil
	}
	if err == nil || !fatalClass(Classify(err)) || (f.first != nil && err.Error() != f.text) {
		f.decided.Store(true)
		return nil
	}
	if f.first == nil {
		f.first, f.text = err, err.Error()
	}
	f.seen++
	if f.seen < f.n {
		return nil
	}
	f.decided.Store(true)
	return f.first
}

// fatalClass: errors that repeat the same way until the input changes.
func fatalClass(c ErrorClass) bool { return c == ClassServer || c == ClassOther }
