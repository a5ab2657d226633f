package resources_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/resources"
)

// conn is a fake resource that records whether it was released.
type conn struct {
	name     string
	released int
}

// ledger acquires and releases conns, recording the order and optionally
// failing.
type ledger struct {
	log        []string
	failAcq    string // name whose acquire fails
	failRel    string // name whose release fails
	acqPanicOn string
}

func (l *ledger) acquire(name string) func(context.Context) (*conn, error) {
	return func(ctx context.Context) (*conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if name == l.acqPanicOn {
			panic("acquire " + name + " exploded")
		}
		if name == l.failAcq {
			return nil, errors.New("dial " + name + ": connection refused")
		}
		l.log = append(l.log, "acquire "+name)
		return &conn{name: name}, nil
	}
}

func (l *ledger) release(c *conn) error {
	c.released++
	l.log = append(l.log, "release "+c.name)
	if c.name == l.failRel {
		return errors.New("close " + c.name + ": broken pipe")
	}
	return nil
}

var errQuery = errors.New("query failed")

func TestScope(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		ledger   ledger
		fn       func(context.Context, *conn) error
		wantErr  []string // substrings; nil means no error
		wantIs   []error
		wantLog  string
		panicked bool
	}{
		{name: "success releases", fn: func(context.Context, *conn) error { return nil },
			wantLog: "acquire db,release db"},
		{name: "fn error releases and returns it", fn: func(context.Context, *conn) error { return errQuery },
			wantIs: []error{errQuery}, wantErr: []string{"query failed"}, wantLog: "acquire db,release db"},
		{name: "release error is joined with fn error", ledger: ledger{failRel: "db"},
			fn:      func(context.Context, *conn) error { return errQuery },
			wantIs:  []error{errQuery},
			wantErr: []string{"query failed", "release db for test: close db: broken pipe"}, wantLog: "acquire db,release db"},
		{name: "acquire error releases nothing", ledger: ledger{failAcq: "db"},
			fn:      func(context.Context, *conn) error { t.Error("fn ran without a resource"); return nil },
			wantErr: []string{"acquire db for test: dial db: connection refused"}, wantLog: ""},
		{name: "cancelled context acquires nothing", ctx: cancelled,
			fn:     func(context.Context, *conn) error { t.Error("fn ran on a cancelled context"); return nil },
			wantIs: []error{context.Canceled}, wantErr: []string{"not acquired"}, wantLog: ""},
		{name: "panic releases then re-panics", fn: func(context.Context, *conn) error { panic("boom") },
			panicked: true, wantLog: "acquire db,release db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := resources.New(resources.Options{})
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			l := tt.ledger
			var err error
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				err = resources.Scope(ctx, tr, "db", "test", l.acquire("db"), l.release, tt.fn)
			}()
			if tt.panicked != (recovered != nil) {
				t.Fatalf("panic = %v, want panic %v", recovered, tt.panicked)
			}
			if tt.panicked && recovered != "boom" {
				t.Fatalf("re-panicked with %v, want the original value", recovered)
			}
			checkErr(t, err, tt.wantErr, tt.wantIs)
			if got := strings.Join(l.log, ","); got != tt.wantLog {
				t.Errorf("log = %q, want %q", got, tt.wantLog)
			}
			if tr.Active() != 0 {
				t.Errorf("tracker still holds %d resources", tr.Active())
			}
		})
	}
}

func TestScopeCancelDuringFn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tr := resources.New(resources.Options{})
	var l ledger
	started := make(chan struct{})
	errc := make(chan error, 1)
	var c *conn
	go func() {
		errc <- resources.Scope(ctx, tr, "db", "test", l.acquire("db"), l.release, func(ctx context.Context, got *conn) error {
			c = got
			close(started)
			<-ctx.Done() // a well-behaved fn returns when its context ends
			return ctx.Err()
		})
	}()
	<-started
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) || c.released != 1 || tr.Active() != 0 {
		t.Fatalf("err = %v, released %d times, tracker active %d; want Canceled, released once, 0", err, c.released, tr.Active())
	}
}

func TestScopeCancelledWhileAcquiring(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var l ledger
	acquire := func(ctx context.Context) (*conn, error) {
		c, err := l.acquire("db")(ctx)
		cancel() // the context ends just as the resource arrives
		return c, err
	}
	err := resources.Scope(ctx, nil, "db", "test", acquire, l.release, func(context.Context, *conn) error {
		t.Error("fn ran on a cancelled context")
		return nil
	})
	if !errors.Is(err, context.Canceled) || strings.Join(l.log, ",") != "acquire db,release db" {
		t.Fatalf("err = %v, log %v; want Canceled and the resource released unused", err, l.log)
	}
}

func TestScopeAtLimit(t *testing.T) {
	tr := resources.New(resources.Options{MaxResources: 1})
	var l ledger
	err := resources.Scope(context.Background(), tr, "db", "outer", l.acquire("outer"), l.release,
		func(ctx context.Context, _ *conn) error {
			return resources.Scope(ctx, tr, "db", "inner", l.acquire("inner"), l.release,
				func(context.Context, *conn) error { t.Error("inner fn ran past the limit"); return nil })
		})
	if !errors.Is(err, resources.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	if got := strings.Join(l.log, ","); got != "acquire outer,release outer" {
		t.Fatalf("log = %q: the inner resource must not be acquired", got)
	}
}

func checkErr(t *testing.T, err error, wantSub []string, wantIs []error) {
	t.Helper()
	if wantSub == nil && wantIs == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %v %v", wantSub, wantIs)
	}
	for _, s := range wantSub {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	for _, target := range wantIs {
		if !errors.Is(err, target) {
			t.Errorf("error %v is not %v", err, target)
		}
	}
}
