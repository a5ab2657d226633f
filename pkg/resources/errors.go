package resources

import (
	"errors"
	"fmt"
)

// ErrLimit is returned (wrapped in a *LimitError) by Register when the
// tracker already holds Options.MaxResources active resources.
var ErrLimit = errors.New("resource limit reached")

// LimitError says which limit was hit and by whom.
type LimitError struct {
	Kind   string // kind being registered
	Owner  string // owner label being registered
	Active int    // active resources when the call was refused
	Max    int    // Options.MaxResources
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("cannot register %s for %q: %d of %d resources are active (max_resources): release resources or raise the limit",
		e.Kind, e.Owner, e.Active, e.Max)
}

// Unwrap makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Unwrap() error { return ErrLimit }
