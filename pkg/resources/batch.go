package resources

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrBatchClosed is returned by Add on a batch that was closed or rolled
// back.
var ErrBatchClosed = errors.New("batch already closed or rolled back")

// Batch is Go's form of the spec's BatchResourceManager: it holds several
// resources and releases them together, newest first. When one acquisition
// fails, everything acquired before it is released at once (rollback) and
// the batch is closed. Release errors are joined with errors.Join, never
// dropped. A Batch is safe for concurrent use.
type Batch struct {
	t     *Tracker
	owner string

	mu     sync.Mutex
	items  []batchItem
	closed bool
}

type batchItem struct {
	name    string
	id      uint64 // tracker id, 0 without a tracker
	release func() error
}

// NewBatch returns an empty batch whose resources are registered with t
// (which may be nil) under owner.
func NewBatch(t *Tracker, owner string) *Batch { return &Batch{t: t, owner: owner} }

// Add acquires one resource named name (also its tracker kind) and keeps
// release to undo it. acquire typically assigns to a variable of the
// caller's (see Acquire for a typed form). If ctx is done, the tracker is at
// its limit or acquire fails, Add rolls the batch back and returns that
// error joined with any release errors.
func (b *Batch) Add(ctx context.Context, name string, acquire func(context.Context) error, release func() error) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return fmt.Errorf("add %s: %w", name, ErrBatchClosed)
	}
	if err := ctx.Err(); err != nil {
		return b.rollback(fmt.Errorf("add %s: %w", name, err))
	}
	var id uint64
	if b.t != nil {
		var err error
		if id, err = b.t.RegisterSkip(name, b.owner, 1); err != nil {
			return b.rollback(fmt.Errorf("add %s: %w", name, err))
		}
	}
	ok := false
	defer func() {
		if !ok && b.t != nil { // acquire failed or panicked
			b.t.Release(id)
		}
	}()
	if err := acquire(ctx); err != nil {
		return b.rollback(fmt.Errorf("acquire %s: %w", name, err))
	}
	ok = true
	b.mu.Lock()
	if b.closed { // closed by another goroutine while we acquired
		b.mu.Unlock()
		return errors.Join(fmt.Errorf("add %s: %w", name, ErrBatchClosed), b.releaseOne(batchItem{name, id, release}))
	}
	b.items = append(b.items, batchItem{name, id, release})
	b.mu.Unlock()
	return nil
}

// Acquire is Add for an acquire function that returns the resource: it
// returns the resource, or the zero value and the (rolled-back) error.
func Acquire[T any](ctx context.Context, b *Batch, name string,
	acquire func(context.Context) (T, error), release func(T) error,
) (T, error) {
	var v T
	err := b.Add(ctx, name,
		func(ctx context.Context) (err error) { v, err = acquire(ctx); return err },
		func() error { return release(v) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// Len returns the number of resources held.
func (b *Batch) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items)
}

// Close releases every resource, newest first, and returns their errors
// joined. Every release runs even when an earlier one fails. Closing again
// returns nil.
func (b *Batch) Close() error {
	b.mu.Lock()
	items := b.items
	b.items, b.closed = nil, true
	b.mu.Unlock()
	var errs []error
	for i := len(items) - 1; i >= 0; i-- {
		if err := b.releaseOne(items[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// rollback closes the batch after a failed Add and joins cause with the
// release errors.
func (b *Batch) rollback(cause error) error {
	return errors.Join(cause, b.Close())
}

func (b *Batch) releaseOne(it batchItem) error {
	if b.t != nil {
		defer b.t.Release(it.id)
	}
	if err := it.release(); err != nil {
		return fmt.Errorf("release %s: %w", it.name, err)
	}
	return nil
}

// RunBatch creates a batch, runs fn with it and always closes it — also
// when fn panics (the panic then goes on after the release) — returning
// fn's error joined with the release errors. It is the form of the spec's
// "async with BatchResourceManager() as batch".
func RunBatch(ctx context.Context, t *Tracker, owner string, fn func(context.Context, *Batch) error) (err error) {
	b := NewBatch(t, owner)
	done := false
	defer func() {
		if !done {
			_ = b.Close()
		}
	}()
	ferr := fn(ctx, b)
	done = true
	return errors.Join(ferr, b.Close())
}
