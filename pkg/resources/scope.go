package resources

import (
	"context"
	"errors"
	"fmt"
)

// Scope is Go's form of the spec's resource_scope context manager. It
// registers a resource of kind for owner with t (t may be nil), acquires it,
// runs fn with it and always releases it:
//
//   - when fn returns, with fn's error and the release error joined;
//   - when fn panics: the resource is released while the panic unwinds and
//     the panic goes on with its original value and stack (a release error
//     is then lost, as the panic is the louder failure);
//   - when ctx is cancelled: acquire sees the cancelled context, a resource
//     acquired just as ctx ended is released at once, and fn is expected to
//     return when ctx is done — Scope cannot take a resource away from a
//     function still using it.
//
// A tracker at its MaxResources limit refuses the registration before
// anything is acquired.
func Scope[T any](ctx context.Context, t *Tracker, kind, owner string,
	acquire func(context.Context) (T, error), release func(T) error,
	fn func(context.Context, T) error,
) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s for %s not acquired: %w", kind, owner, err)
	}
	var id uint64
	if t != nil {
		if id, err = t.RegisterSkip(kind, owner, 1); err != nil {
			return err
		}
		defer t.Release(id)
	}
	v, err := acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire %s for %s: %w", kind, owner, err)
	}
	done := false
	defer func() {
		if !done { // fn panicked or called runtime.Goexit
			_ = release(v)
		}
	}()
	if cerr := ctx.Err(); cerr != nil {
		done = true
		return errors.Join(fmt.Errorf("%s for %s released unused: %w", kind, owner, cerr), wrapRelease(kind, owner, release(v)))
	}
	ferr := fn(ctx, v)
	done = true
	return errors.Join(ferr, wrapRelease(kind, owner, release(v)))
}

func wrapRelease(kind, owner string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("release %s for %s: %w", kind, owner, err)
}
