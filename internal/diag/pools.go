package diag

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/target"
)

// Pools is one open pool per target, in target order. It is how every
// command that talks to targets opens, checks and closes them: a Session
// holds one for "report" and "serve", and "pools stats" and "pools
// recommend" open their own with the operation and sizes they measure.
type Pools struct {
	targets []target.Target
	runners []pools.Runner
}

// OpenPools opens one pool per target with the options optsFor gives it
// and the operation opFor gives it (nil: each kind's default). No server is
// contacted here. On an error the pools opened so far are closed again.
func OpenPools(ts []target.Target, optsFor func(target.Target) pools.Options, opFor func(target.Target) pools.Operation) (*Pools, error) {
	p := &Pools{targets: slices.Clone(ts)}
	for _, t := range ts {
		var op pools.Operation
		if opFor != nil {
			op = opFor(t)
		}
		r, err := pools.Open(t, optsFor(t), op)
		if err != nil {
			_ = p.Close(context.Background())
			return nil, err
		}
		p.runners = append(p.runners, r)
	}
	return p, nil
}

// Targets are the pools' targets, in the order they were given.
func (p *Pools) Targets() []target.Target { return slices.Clone(p.targets) }

// Runners are the pools, in target order.
func (p *Pools) Runners() []pools.Runner { return slices.Clone(p.runners) }

// sortedRunners are the pools sorted by name.
func (p *Pools) sortedRunners() []pools.Runner {
	rs := p.Runners()
	slices.SortFunc(rs, func(a, b pools.Runner) int { return cmp.Compare(a.Name(), b.Name()) })
	return rs
}

// Ping checks every pool at once, each within timeout(its target), and
// returns one error per target in target order: nil when it answered, else
// the pool's error explained (pools.Unreachable: refused, timed out,
// authentication failed, …), redacted.
func (p *Pools) Ping(ctx context.Context, timeout func(target.Target) time.Duration) []error {
	errs := make([]error, len(p.runners))
	var wg sync.WaitGroup
	for i, r := range p.runners {
		wg.Go(func() {
			bound := timeout(p.targets[i])
			pctx, cancel := context.WithTimeout(ctx, bound)
			defer cancel()
			errs[i] = pools.Unreachable(r.Ping(pctx), p.targets[i], bound)
		})
	}
	wg.Wait()
	return errs
}

// Close closes every pool at once, each within ctx; a pool still in use
// when ctx ends is abandoned (its error is returned). Close is safe to call
// on a partly opened or nil Pools.
func (p *Pools) Close(ctx context.Context) error {
	if p == nil {
		return nil
	}
	errs := make([]error, len(p.runners))
	var wg sync.WaitGroup
	for i, r := range p.runners {
		wg.Go(func() { errs[i] = r.Close(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Distributions are the runners' pools' histograms by pool name, for
// result files (shard.Run).
func Distributions(rs []pools.Runner) map[string]pools.Distributions {
	out := make(map[string]pools.Distributions, len(rs))
	for _, r := range rs {
		if d, ok := r.(pools.DistributionSource); ok {
			out[r.Name()] = d.Distributions()
		}
	}
	return out
}
