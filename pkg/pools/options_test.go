package pools

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadOptions(t *testing.T) {
	valid := testOptions()
	tests := []struct {
		name   string
		change func(o *Options)
		want   string // in the error; "" = valid
	}{
		{"valid", func(o *Options) {}, ""},
		{"min zero is allowed", func(o *Options) { o.MinSize = 0 }, ""},
		{"min equals max", func(o *Options) { o.MinSize = o.MaxSize }, ""},
		{"min above max", func(o *Options) { o.MinSize, o.MaxSize = 5, 2 }, "min size 5 is larger than max size 2"},
		{"max zero", func(o *Options) { o.MaxSize = 0 }, "max size 0: must be at least 1"},
		{"max negative", func(o *Options) { o.MaxSize = -3 }, "max size -3"},
		{"min negative", func(o *Options) { o.MinSize = -1 }, "min size -1: must be 0 or more"},
		{"connect timeout zero", func(o *Options) { o.ConnectTimeout = 0 }, "connect timeout 0s: must be positive"},
		{"connect timeout negative", func(o *Options) { o.ConnectTimeout = -time.Second }, "connect timeout -1s"},
		{"idle timeout zero", func(o *Options) { o.IdleTimeout = 0 }, "idle timeout 0s"},
		{"max lifetime negative", func(o *Options) { o.MaxLifetime = -time.Minute }, "max lifetime -1m0s"},
		{"health interval zero", func(o *Options) { o.HealthCheckInterval = 0 }, "health check interval 0s"},
		{"operation timeout negative", func(o *Options) { o.OperationTimeout = -1 }, "operation timeout"},
		{"several at once", func(o *Options) { o.MaxSize, o.IdleTimeout = 0, 0 }, "idle timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.change(&o)
			p, err := New("db", "mem", Connector[*memConn](newMem()), o)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				_ = p.Close(context.Background())
				return
			}
			if err == nil {
				_ = p.Close(context.Background())
				t.Fatalf("New accepted %+v", o)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "pool db") {
				t.Errorf("error %q does not name the pool and contain %q", err, tt.want)
			}
		})
	}
	if _, err := New[*memConn]("db", "mem", nil, valid); err == nil {
		t.Error("New with a nil connector: want an error")
	}
}
