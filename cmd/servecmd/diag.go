package servecmd

import (
	"context"
	"errors"

	"github.com/resync-dev/resync/internal/cmdutil"
	"github.com/resync-dev/resync/internal/diag"
	"github.com/resync-dev/resync/pkg/config"
)

// openDiag opens the monitoring session through internal/diag: one pool
// per target (or per embedded target), the read-through cache and the
// resource tracker.
func openDiag(ctx context.Context, cfg *config.Config) (Session, error) {
	s, err := diag.Open(ctx, cfg)
	var ce *diag.ConfigError
	if errors.As(err, &ce) {
		return nil, &cmdutil.UsageError{Err: err} // a setting the pools refused: exit 2
	}
	if err != nil {
		return nil, err
	}
	return diagSession{s}, nil
}

// diagSession adapts *diag.Session to Session: its pools become probes.
type diagSession struct{ *diag.Session }

func (d diagSession) Probes() []Probe {
	var out []Probe
	for _, r := range d.Runners() {
		out = append(out, Probe{Name: r.Name(), Kind: r.Kind(), Do: r.Do})
	}
	return out
}
