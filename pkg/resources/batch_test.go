package resources_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/resync-dev/resync/pkg/resources"
)

func TestBatch(t *testing.T) {
	tests := []struct {
		name      string
		ledger    ledger
		add       []string
		cancelAt  int // cancel the context before adding this index (1-based); 0 = never
		wantAdded int
		wantAdd   []string // substrings of the failing Add's error
		wantIs    []error
		wantClose []string // substrings of Close's error
		wantLog   string
	}{
		{name: "close releases in reverse order", add: []string{"a", "b", "c"}, wantAdded: 3,
			wantLog: "acquire a,acquire b,acquire c,release c,release b,release a"},
		{name: "failed acquire rolls back what was acquired", ledger: ledger{failAcq: "c"},
			add: []string{"a", "b", "c", "d"}, wantAdded: 2,
			wantAdd: []string{"acquire c: dial c: connection refused"},
			wantLog: "acquire a,acquire b,release b,release a"},
		{name: "rollback release errors are joined", ledger: ledger{failAcq: "c", failRel: "a"},
			add: []string{"a", "b", "c"}, wantAdded: 2,
			wantAdd: []string{"acquire c: dial c", "release a: close a: broken pipe"},
			wantLog: "acquire a,acquire b,release b,release a"},
		{name: "close joins release errors and releases all", ledger: ledger{failRel: "b"},
			add: []string{"a", "b", "c"}, wantAdded: 3,
			wantClose: []string{"release b: close b: broken pipe"},
			wantLog:   "acquire a,acquire b,acquire c,release c,release b,release a"},
		{name: "cancel rolls back", add: []string{"a", "b", "c"}, cancelAt: 3, wantAdded: 2,
			wantIs: []error{context.Canceled}, wantAdd: []string{"add c"},
			wantLog: "acquire a,acquire b,release b,release a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := resources.New(resources.Options{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			l := tt.ledger
			b := resources.NewBatch(tr, "job")
			var addErr error
			added := 0
			for i, name := range tt.add {
				if i+1 == tt.cancelAt {
					cancel()
				}
				if _, addErr = resources.Acquire(ctx, b, name, l.acquire(name), l.release); addErr != nil {
					break
				}
				added++
			}
			if added != tt.wantAdded {
				t.Fatalf("added %d, want %d (err %v)", added, tt.wantAdded, addErr)
			}
			if tt.wantAdd != nil || tt.wantIs != nil {
				checkErr(t, addErr, tt.wantAdd, tt.wantIs)
				if b.Len() != 0 {
					t.Errorf("after a rollback the batch holds %d", b.Len())
				}
				_, err := resources.Acquire(ctx, b, "late", l.acquire("late"), l.release)
				if !errors.Is(err, resources.ErrBatchClosed) {
					t.Errorf("Add after rollback: %v, want ErrBatchClosed", err)
				}
			}
			checkErr(t, b.Close(), tt.wantClose, nil)
			if err := b.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if got := strings.Join(l.log, ","); got != tt.wantLog {
				t.Errorf("log = %q\nwant  %q", got, tt.wantLog)
			}
			if tr.Active() != 0 {
				t.Errorf("tracker still holds %d", tr.Active())
			}
		})
	}
}

func TestBatchAcquirePanicReleasesRegistration(t *testing.T) {
	tr := resources.New(resources.Options{})
	l := ledger{acqPanicOn: "b"}
	b := resources.NewBatch(tr, "job")
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Fatal("no panic")
			}
		}()
		defer b.Close()
		_, _ = resources.Acquire(context.Background(), b, "a", l.acquire("a"), l.release)
		_, _ = resources.Acquire(context.Background(), b, "b", l.acquire("b"), l.release)
	}()
	if got := strings.Join(l.log, ","); got != "acquire a,release a" || tr.Active() != 0 {
		t.Fatalf("log %q, active %d; want a released and nothing tracked", got, tr.Active())
	}
}

func TestRunBatch(t *testing.T) {
	tests := []struct {
		name     string
		fn       func(*ledger) func(context.Context, *resources.Batch) error
		wantErr  []string
		panicked bool
	}{
		{name: "error", wantErr: []string{"query failed"}, fn: func(l *ledger) func(context.Context, *resources.Batch) error {
			return func(ctx context.Context, b *resources.Batch) error {
				for _, n := range []string{"a", "b"} {
					if _, err := resources.Acquire(ctx, b, n, l.acquire(n), l.release); err != nil {
						return err
					}
				}
				return errQuery
			}
		}},
		{name: "panic", panicked: true, fn: func(l *ledger) func(context.Context, *resources.Batch) error {
			return func(ctx context.Context, b *resources.Batch) error {
				for _, n := range []string{"a", "b"} {
					if _, err := resources.Acquire(ctx, b, n, l.acquire(n), l.release); err != nil {
						return err
					}
				}
				panic("boom")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := resources.New(resources.Options{})
			var l ledger
			var err error
			var rec any
			func() {
				defer func() { rec = recover() }()
				err = resources.RunBatch(context.Background(), tr, "job", tt.fn(&l))
			}()
			if (rec != nil) != tt.panicked {
				t.Fatalf("panic %v, want %v", rec, tt.panicked)
			}
			checkErr(t, err, tt.wantErr, nil)
			if got := strings.Join(l.log, ","); got != "acquire a,acquire b,release b,release a" || tr.Active() != 0 {
				t.Fatalf("log %q, active %d", got, tr.Active())
			}
		})
	}
}

func TestBatchConcurrentAdd(t *testing.T) {
	tr := resources.New(resources.Options{})
	b := resources.NewBatch(tr, "job")
	var mu sync.Mutex
	released := 0
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = b.Add(context.Background(), "file", func(context.Context) error { return nil },
				func() error { mu.Lock(); released++; mu.Unlock(); return nil })
		}()
	}
	wg.Wait()
	if err := b.Close(); err != nil || released != 16 || tr.Active() != 0 {
		t.Fatalf("Close %v, released %d, active %d", err, released, tr.Active())
	}
}
